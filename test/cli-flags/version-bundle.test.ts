// Issue 12: --version reports the policy revision and OPA version of the bundle in use: the one
// BLOCKGATE_BUNDLE or blockgate.json's `bundle` names, not the shipped one; a configured bundle
// that is unreadable or fails its seal is an error (bundle-seal, exit 1), never the shipped one.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, blockgate } from '../support/cli.js';

const RULES_BUNDLE = `${ROOT}examples/rules/bundle`;
const seal = (dir: string) => JSON.parse(readFileSync(join(dir, 'seal.json'), 'utf8')) as { revision: string; opa_version: string; view_version: number };
const line = (dir: string) => { const s = seal(dir); return `policy revision ${s.revision} (OPA ${s.opa_version}, rule view ${s.view_version})`; };
const tmp = () => realpathSync(mkdtempSync(join(tmpdir(), 'bg-version-')));

describe('--version and the bundle in use', () => {
  it('without a configured bundle: the shipped one', async () => {
    const r = await blockgate(['--version'], { cwd: tmp() });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe(line(`${ROOT}bundles`));
  });

  it('BLOCKGATE_BUNDLE: that bundle, named', async () => {
    expect(seal(RULES_BUNDLE).revision).not.toBe(seal(`${ROOT}bundles`).revision);
    const r = await blockgate(['--version'], { cwd: tmp(), env: { BLOCKGATE_BUNDLE: RULES_BUNDLE } });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe(`${line(RULES_BUNDLE)} from the bundle ${RULES_BUNDLE}`);
  });

  it("blockgate.json's bundle (relative to the file), also for -v and a command's --version", async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'policy'));
    for (const f of ['bundle.tar.gz', 'seal.json']) copyFileSync(join(RULES_BUNDLE, f), join(dir, 'policy', f));
    writeFileSync(join(dir, 'blockgate.json'), JSON.stringify({ bundle: 'policy' }));
    for (const args of [['--version'], ['-v'], ['check', '--version']]) {
      const r = await blockgate(args, { cwd: dir });
      expect([args, r.code, r.stdout.split('\n')[1]]).toEqual([args, 0, `${line(RULES_BUNDLE)} from the bundle ${join(dir, 'policy')}`]);
    }
  });

  it('a configured bundle that is not there: bundle-seal, exit 1, not the shipped one', async () => {
    const missing = join(tmp(), 'nothing-here');
    const r = await blockgate(['--version'], { cwd: tmp(), env: { BLOCKGATE_BUNDLE: missing } });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('policy revision');
    expect(r.stderr).toContain('bundle-seal');
    expect(r.stderr).toContain(missing);
  });

  it('a configured bundle that fails its seal: bundle-seal, exit 1', async () => {
    const dir = tmp();
    copyFileSync(join(RULES_BUNDLE, 'bundle.tar.gz'), join(dir, 'bundle.tar.gz'));
    writeFileSync(join(dir, 'seal.json'), JSON.stringify({ ...seal(RULES_BUNDLE), sha256: '0'.repeat(64) }));
    const r = await blockgate(['--version'], { cwd: tmp(), env: { BLOCKGATE_BUNDLE: dir } });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('policy revision');
    expect(r.stderr).toContain('bundle-seal');
  });

  it('--help is not held up by a broken configured bundle', async () => {
    const r = await blockgate(['--help'], { cwd: tmp(), env: { BLOCKGATE_BUNDLE: join(tmp(), 'nothing-here') } });
    expect(r.code).toBe(0);
  });
});
