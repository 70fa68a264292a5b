// The package as users get it: `npm pack`, installed from the tarball into an empty project
// (the npm cache first: `npm ci` caches tarballs but not the registry metadata that `--offline`
// needs, so a fresh machine asks the registry for that), imported as 'blockgate' by plain Node
// ESM and by TypeScript, and run through its bin.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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
const semver = createRequire(import.meta.url)('semver') as { minVersion(range: string): { version: string }; satisfies(v: string, range: string): boolean };
const NPM_ENV = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

let project: string;
let files: string[];
/** What npm printed while installing the tarball (stdout and stderr, warnings included). */
let installLog: string;

function spawnOk(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, env: NPM_ENV, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

const run = (cmd: string, args: string[], cwd: string) => spawnOk(cmd, args, cwd).stdout;

/** Every package installed under a node_modules directory, at any depth, with its manifest's path. */
function installedPackages(modules: string): Array<{ path: string; name: string; version: string; engines?: { node?: string } }> {
  const found: Array<{ path: string; name: string; version: string; engines?: { node?: string } }> = [];
  for (const entry of readdirSync(modules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dirs = entry.name.startsWith('@') ? readdirSync(join(modules, entry.name)).map((n) => join(modules, entry.name, n)) : [join(modules, entry.name)];
    for (const dir of dirs) {
      const manifest = join(dir, 'package.json');
      if (existsSync(manifest)) found.push({ path: manifest, ...JSON.parse(readFileSync(manifest, 'utf8')) });
      if (existsSync(join(dir, 'node_modules'))) found.push(...installedPackages(join(dir, 'node_modules')));
    }
  }
  return found;
}

beforeAll(() => {
  const packDir = mkdtempSync(join(tmpdir(), 'blockgate-pack-'));
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', packDir], ROOT)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  files = packed!.files.map((f) => f.path);
  project = mkdtempSync(join(tmpdir(), 'blockgate-consumer-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // Offline: the dependencies are in the npm cache; nothing is fetched.
  const installed = spawnOk('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel', 'warn', join(packDir, packed!.filename)], project);
  installLog = `${installed.stdout}\n${installed.stderr}`;
}, 240_000);

describe('the packed package', () => {
  it('holds the built library, its types, the CLI and the sealed bundle, and no sources or tests', () => {
    for (const f of ['package.json', 'bin/blockgate', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/bundled/main.js', 'dist/server/app.js', 'bundles/bundle.tar.gz', 'bundles/seal.json',
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

  it("installs into a project without an EBADENGINE warning: fastify's light-my-request dedupes onto blockgate's 6.6.0, whose cookie supports Node 20.19", () => {
    // npm applies `overrides` only to the root project, so a consumer gets blockgate's direct
    // light-my-request 6.6.0 (cookie@1) only if npm dedupes fastify's `light-my-request@^6` onto it.
    expect(installLog).not.toMatch(/EBADENGINE|Unsupported engine/i);
    const packages = installedPackages(join(project, 'node_modules'));
    expect(packages.filter((p) => p.name === 'light-my-request').map((p) => p.version)).toEqual(['6.6.0']);
    const cookies = packages.filter((p) => p.name === 'cookie');
    expect(cookies.length).toBeGreaterThan(0);
    for (const c of cookies) {
      expect([c.path, c.version.split('.')[0]]).toEqual([c.path, '1']);
      expect([c.path, c.engines?.node !== undefined && semver.satisfies('20.19.0', c.engines.node)]).toEqual([c.path, true]);
    }
    // And no installed package at all wants a newer Node than blockgate's floor.
    const floor = semver.minVersion(JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).engines.node).version;
    expect(floor).toBe('20.19.0');
    expect(packages.filter((p) => p.engines?.node !== undefined && !semver.satisfies(floor, p.engines.node)).map((p) => `${p.name}@${p.version} wants node ${p.engines!.node}`)).toEqual([]);
  });

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
