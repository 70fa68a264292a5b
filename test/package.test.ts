// The package as users get it: `npm pack`, installed from the tarball into an empty project
// (the npm cache first: `npm ci` caches tarballs but not the registry metadata that `--offline`
// needs, so a fresh machine asks the registry for that), imported as 'blockgate' by plain Node
// ESM and by TypeScript, and run through its bin.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockgate, FIX7, ROOT } from './support/cli.js';

const AT = '2026-11-25T12:00:00Z';
const INPUTS = {
  blockers: [`${FIX7}/production-readiness-blocker-map.json`],
  ledger: `${FIX7}/grants.jsonl`,
  trust: `${ROOT}fixtures/trust.test-only.json`,
};
const NPM_ENV = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

let project: string;
let files: string[];

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, env: NPM_ENV, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

beforeAll(() => {
  const packDir = mkdtempSync(join(tmpdir(), 'blockgate-pack-'));
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', packDir], ROOT)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  files = packed!.files.map((f) => f.path);
  project = mkdtempSync(join(tmpdir(), 'blockgate-consumer-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // Offline: the dependencies are in the npm cache; nothing is fetched.
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(packDir, packed!.filename)], project);
}, 240_000);

describe('the packed package', () => {
  it('holds the built library, its types, the CLI and the sealed bundle, and no sources or tests', () => {
    for (const f of ['package.json', 'bin/blockgate', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/server/app.js', 'bundles/bundle.tar.gz', 'bundles/seal.json',
      'policies/blockgate/view.rego', 'rules-sdk/blockgate_testing.rego']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => f.startsWith('src/') || /\.test\.(js|d\.ts)$|_test\.rego$/.test(f))).toEqual([]);
  });

  it("decides from plain Node ESM importing 'blockgate', as check --format json does", async () => {
    writeFileSync(join(project, 'decide.mjs'), `
import { openGate, BlockgateError } from 'blockgate';
const gate = await openGate(${JSON.stringify(INPUTS)});
const decision = gate.check({ action: 'apply', environment: 'production', at: '${AT}' });
let code = null;
try { gate.check({ action: 'fly', environment: 'production' }); } catch (e) { code = e instanceof BlockgateError ? e.code : 'not a BlockgateError'; }
process.stdout.write(JSON.stringify({ decision, code }));
`);
    const out = JSON.parse(execFileSync(process.execPath, ['decide.mjs'], { cwd: project, encoding: 'utf8' }));
    const cli = await blockgate(['check', '--blockers', INPUTS.blockers[0]!, '--ledger', INPUTS.ledger, '--trust', INPUTS.trust,
      '--action', 'apply', '--env', 'production', '--at', AT, '--format', 'json']);
    expect(out.decision).toEqual(cli.json);
    expect(out.decision.allowed).toBe(false);
    expect(out.code).toBe('unknown-action');
  }, 60_000);

  it('type-checks a TypeScript consumer against the emitted declarations', () => {
    writeFileSync(join(project, 'consumer.ts'), `
import { openGate, BlockgateError, type Decision, type ErrorCode, type GateOptions } from 'blockgate';
const options: GateOptions = { blockers: ['map.json'], ledger: 'grants.jsonl', trust: 'trust.json', insecureNoVerify: false };
const gate = await openGate(options);
const decision: Decision = gate.check({ action: 'apply', environment: 'production', target: 'QT001', at: new Date() });
const denied: string[] = decision.denials.map((d) => d.blocker_id);
try { gate.plan({ action: 'apply', environment: 'production' }); } catch (e) { if (e instanceof BlockgateError) { const code: ErrorCode = e.code; console.log(code); } }
await gate.reload();
console.log(denied, gate.matrix().length, gate.whatIf({ revoke: ['G-1'] }).changes);
// @ts-expect-error check takes a request object
gate.check('apply');
`);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')] },
      files: ['consumer.ts'],
    }));
    run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project);
  }, 120_000);

  it('runs the installed bin', () => {
    const r = spawnSync(join(project, 'node_modules/.bin/blockgate'), ['check', '--blockers', INPUTS.blockers[0]!, '--ledger', INPUTS.ledger, '--trust', INPUTS.trust,
      '--action', 'real-run', '--env', 'staging', '--at', AT, '--format', 'json'], { cwd: project, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).allowed).toBe(true);
  }, 60_000);

  it('builds and tests rules with what it ships (the policy sources and the blockgate.testing helper)', () => {
    const bin = join(project, 'node_modules/.bin/blockgate');
    const rules = join(ROOT, 'examples/rules/change-freeze');
    const opa = join(ROOT, '.tools/bin/opa');
    const tested = spawnSync(bin, ['test', '--rules', rules, '--opa', opa], { cwd: project, encoding: 'utf8' });
    expect(tested.status, tested.stdout + tested.stderr).toBe(0);
    const built = spawnSync(bin, ['build', '--rules', rules, '--out', 'built', '--opa', opa, '--format', 'json'], { cwd: project, encoding: 'utf8' });
    expect(built.status, built.stdout + built.stderr).toBe(0);
    const r = spawnSync(bin, ['check', '--blockers', INPUTS.blockers[0]!, '--ledger', INPUTS.ledger, '--trust', INPUTS.trust, '--bundle', 'built',
      '--action', 'real-run', '--env', 'staging', '--at', AT, '--format', 'json'], { cwd: project, encoding: 'utf8' });
    expect(JSON.parse(r.stdout).policy.revision).toBe(JSON.parse(built.stdout).revision);
  }, 120_000);
});
