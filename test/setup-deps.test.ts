// What `make setup` installs (`npm ci --omit=dev`: the lock file's packages not marked dev) is what
// running and building blockgate needs, and all of it supports the Node that package.json names:
// the test-only weight (SARIF multitool, browser driver, vitest, ...) comes only with `make test`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/cli.js';

interface LockedPackage { version?: string; dev?: boolean; link?: boolean; engines?: { node?: string } }
const lock = JSON.parse(readFileSync(`${ROOT}package-lock.json`, 'utf8')) as { packages: Record<string, LockedPackage> };
const manifest = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8'));
const build = JSON.parse(readFileSync(`${ROOT}tools/build/package.json`, 'utf8'));
const semver = createRequire(import.meta.url)('semver') as { minVersion(range: string): { version: string }; satisfies(v: string, range: string): boolean };

/** The packages `npm ci --omit=dev` installs, by their path in node_modules. */
const installedBySetup = Object.entries(lock.packages).filter(([path, p]) => path.startsWith('node_modules/') && !p.dev && !p.link);
const name = (path: string) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

describe('the set-up (npm ci --omit=dev)', () => {
  it('installs no test-only dependency, at any depth', () => {
    const testOnly = Object.keys(manifest.devDependencies);
    expect(testOnly).toEqual(expect.arrayContaining(['vitest', 'fast-check', 'playwright-core', 'autocannon', '@microsoft/sarif-multitool-linux']));
    expect(installedBySetup.map(([path]) => name(path)).filter((n) => testOnly.includes(n))).toEqual([]);
  });

  it('installs the runtime dependencies and the build workspace (TypeScript and the declarations src/ compiles against)', () => {
    const names = new Set(installedBySetup.map(([path]) => name(path)));
    for (const n of [...Object.keys(manifest.dependencies), ...Object.keys(build.dependencies)]) expect(names, n).toContain(n);
    expect(manifest.workspaces).toEqual(['tools/build']);
    expect(lock.packages['node_modules/blockgate-build']).toMatchObject({ link: true });
  });

  it('holds nothing that wants a newer Node than package.json names (no EBADENGINE warning)', () => {
    const floor = semver.minVersion(manifest.engines.node).version;
    const tooNew = installedBySetup.filter(([, p]) => p.engines?.node && !semver.satisfies(floor, p.engines.node))
      .map(([path, p]) => `${name(path)}@${p.version} wants node ${p.engines!.node}`);
    expect(tooNew).toEqual([]);
  });
});

/** What make would run for TARGETS on a fresh clone (-B: as if nothing were built; -n: nothing runs). */
function planned(...targets: string[]): string[] {
  const r = spawnSync('make', ['-n', '-B', ...targets], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, MAKEFLAGS: '', MAKELEVEL: '' } });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter((l) => /^(npm ci|npx |bash fixtures\/demo\.sh)/.test(l));
}

describe('the make targets a fresh clone starts with', () => {
  it('make setup installs without the devDependencies, then builds', () => {
    expect(planned('setup')).toEqual(['npm ci --omit=dev --no-audit --no-fund', 'npx tsc -p tsconfig.build.json']);
  });

  it('make demo does the set-up first, then runs the demo', () => {
    expect(planned('demo')).toEqual(['npm ci --omit=dev --no-audit --no-fund', 'npx tsc -p tsconfig.build.json', 'bash fixtures/demo.sh']);
  });

  it("make test's set-up adds the test-only devDependencies before the type check and vitest", () => {
    const steps = planned('typecheck', 'test-node');
    const full = steps.indexOf('npm ci --include=dev --no-audit --no-fund');
    expect(steps.indexOf('npm ci --omit=dev --no-audit --no-fund')).toBe(0);
    expect(full).toBeGreaterThan(0);
    expect(steps.findIndex((l) => l.startsWith('npx tsc -p tsconfig.json --noEmit'))).toBeGreaterThan(full);
    expect(steps.findIndex((l) => l.startsWith('npx vitest run'))).toBeGreaterThan(full);
  });
});
