// The FIX7 example configured once (fixtures/fix7/blockgate.json, which `make demo` uses): the same
// answers as the explicit flags, whether the file is named with --config or found from the
// directory; each of its settings shown as coming from its line. The file is not at the repository
// root, so a command run from the root does not pick it up.
import { describe, expect, it } from 'vitest';
import { blockgate, FIX7, ROOT, TRUST } from './core-support.js';

const AT = ['--at', '2026-11-25T12:00:00Z'];
const FLAGS = ['--blockers', `${FIX7}/production-readiness-blocker-map.json`, '--ledger', `${FIX7}/grants.jsonl`, '--trust', TRUST];
const CONFIG = `${FIX7}/blockgate.json`;
const REQUESTS = [
  ['matrix', ...AT, '--format', 'json'],
  ['check', '--action', 'apply', '--env', 'production', '--explain-plan', ...AT, '--format', 'json'],
  ['check', '--action', 'real-run', '--env', 'staging', ...AT, '--format', 'json'],
];

describe('fixtures/fix7/blockgate.json', () => {
  it.each(REQUESTS.map((args) => [args.slice(0, 5).join(' '), args] as const))('%s: --config answers as the flags do', async (_, args) => {
    const flags = await blockgate([...args, ...FLAGS]);
    const configured = await blockgate([...args, '--config', CONFIG]);
    expect([0, 2]).toContain(flags.code);
    expect(configured.code).toBe(flags.code);
    expect(configured.json).toEqual(flags.json);
  });

  it('is found from its directory: the demo commands without any input flag', async () => {
    const codes = [];
    for (const args of REQUESTS) {
      const found = await blockgate(args, { cwd: FIX7 });
      const flags = await blockgate([...args, ...FLAGS]);
      expect(found.json).toEqual(flags.json);
      codes.push(found.code);
    }
    expect(codes).toEqual([0, 2, 0]);
  });

  it('blockgate config names each setting and its line in the file, paths resolved against the file', async () => {
    const r = await blockgate(['config', '--format', 'json'], { cwd: FIX7 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.config_file.path).toBe(CONFIG);
    expect(r.json.settings.blockers.value).toEqual([`${FIX7}/production-readiness-blocker-map.json`]);
    expect(r.json.settings.ledger.value).toBe(`${FIX7}/grants.jsonl`);
    expect(r.json.settings.trust.value).toBe(TRUST);
    expect(r.json.settings.catalog).toBeNull();
  });

  it('is not read from the repository root: there check without --blockers still asks for maps (usage, exit 1)', async () => {
    const r = await blockgate(['check', '--action', 'apply', '--env', 'production', '--format', 'json'], { cwd: ROOT });
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('usage');
    expect(r.json.error.message).toContain('no blocker maps');
  });
});
