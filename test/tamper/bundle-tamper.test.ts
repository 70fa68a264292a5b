// Tampering with the policy bundle and its seal, on copies of the package (never the real
// bundles/): every byte-region flip, truncation and seal field edit must make every command
// that evaluates the policy exit 1 with `bundle-seal`, never a stack trace, never "allowed".

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGate } from '../../src/index.js';
import { BlockgateError } from '../../src/errors.js';
import { PACKAGE_ROOT, runAll, runCli, snapshotPackage, stackTraceIn, type Run } from '../bad-input/run-cli.js';
import { FIX7_LEDGER, FIX7_MAP, TRUST } from './ledgers.js';
import { FILES, MANIFEST, repacked, SEAL, SEAL_TEXT, sealFor, sealWith, sealWithout, sha, TARBALL, withManifest } from './bundle-files.js';

const dir = mkdtempSync(join(tmpdir(), 'blockgate-bundle-tamper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The bundle is OPA's tarball (bundles/bundle.tar.gz): its bytes are tampered with as the module's were.
const WASM = TARBALL;
const INNER_WASM = Buffer.from(FILES.get('policy.wasm')!);

interface BundleCase {
  name: string;
  wasm?: Buffer | null; // bundle.tar.gz; null: the file removed
  seal?: string | null;
  /** A reported bug: expected to fail until fixed. */
  bug?: string;
}

const flip = (at: number, length = 1): Buffer => {
  const b = Buffer.from(WASM);
  for (let i = at; i < Math.min(at + length, b.length); i++) b[i] = b[i]! ^ 0xff;
  return b;
};
const n = WASM.length;

/** An older build of the policy, from git history (a valid module, not the sealed one), packed as the bundle's policy.wasm. */
function olderWasm(): Buffer | undefined {
  try {
    const older = execFileSync('git', ['-C', PACKAGE_ROOT, 'show', '9fb4c1b:bundles/policy.wasm'], { maxBuffer: 16 << 20 });
    return older.equals(INNER_WASM) ? undefined : repacked({ 'policy.wasm': older });
  } catch {
    return undefined;
  }
}

const CASES: BundleCase[] = [
  // Byte regions of the module: header, sections, data, the very end.
  ...[0, 1, 4, 8, 64, 1024, Math.floor(n / 4), Math.floor(n / 2), Math.floor((3 * n) / 4), n - 64, n - 1].map((at) => ({ name: `wasm byte ${at} flipped`, wasm: flip(at) })),
  { name: 'wasm: 4 KiB in the middle flipped', wasm: flip(Math.floor(n / 2), 4096) },
  { name: 'wasm: one bit flipped', wasm: (() => { const b = Buffer.from(WASM); const i = Math.floor(n / 3); b[i] = b[i]! ^ 0x01; return b; })() },
  // Truncation and growth.
  { name: 'wasm truncated by one byte', wasm: WASM.subarray(0, n - 1) },
  { name: 'wasm truncated to half', wasm: WASM.subarray(0, Math.floor(n / 2)) },
  { name: 'wasm truncated to the header', wasm: WASM.subarray(0, 8) },
  { name: 'wasm empty', wasm: Buffer.alloc(0) },
  { name: 'wasm with a byte appended', wasm: Buffer.concat([WASM, Buffer.from([0])]) },
  { name: 'wasm removed', wasm: null },
  ...(olderWasm() ? [{ name: 'wasm replaced by an older build of the policy', wasm: olderWasm()! }] : []),
  // Seal edits that touch the checked fields.
  { name: 'seal sha256 one digit changed', seal: sealWith({ sha256: `${String(SEAL.sha256).slice(0, -1)}${String(SEAL.sha256).endsWith('0') ? '1' : '0'}` }) },
  { name: 'seal sha256 in upper case', seal: sealWith({ sha256: String(SEAL.sha256).toUpperCase() }) },
  { name: 'seal sha256 of nothing', seal: sealWith({ sha256: sha(Buffer.alloc(0)) }) },
  { name: 'seal sha256 truncated', seal: sealWith({ sha256: String(SEAL.sha256).slice(0, 32) }) },
  { name: 'seal sha256 missing', seal: sealWithout('sha256') },
  { name: 'seal sha256 a number', seal: sealWith({ sha256: 1 }) },
  { name: 'seal bundle pointing outside', seal: sealWith({ bundle: '../package.json' }) },
  { name: 'seal bundle naming a missing file', seal: sealWith({ bundle: 'other.wasm' }) },
  { name: 'seal bundle naming the seal', seal: sealWith({ bundle: 'seal.json' }) },
  { name: 'seal bundle missing', seal: sealWithout('bundle') },
  { name: 'seal entrypoints missing', seal: sealWithout('entrypoints') },
  { name: 'seal source_sha256 malformed', seal: sealWith({ source_sha256: 'not-hex' }) },
  { name: 'seal revision missing', seal: sealWithout('revision') },
  { name: 'seal opa_version missing', seal: sealWithout('opa_version') },
  // The seal as a file.
  { name: 'seal truncated', seal: SEAL_TEXT.slice(0, Math.floor(SEAL_TEXT.length / 2)) },
  { name: 'seal empty', seal: '' },
  { name: 'seal an array', seal: '[]' },
  { name: 'seal with a BOM', seal: `\ufeff${SEAL_TEXT}` },
  { name: 'seal removed', seal: null },
  // Seal fields besides the digest: a forged revision or entrypoint list would misreport the policy.
  { name: 'seal revision changed (no longer source_sha256[0:16])', seal: sealWith({ revision: 'f00dbabef00dbabe' }) },
  { name: 'seal entrypoints emptied', seal: sealWith({ entrypoints: [] }) },
  // Inside the tarball: a file changed and packed again, the seal left as it was.
  { name: 'policy.wasm in the tarball with one byte flipped', wasm: repacked({ 'policy.wasm': (() => { const b = Buffer.from(INNER_WASM); b[Math.floor(b.length / 2)]! ^= 0x01; return b; })() }) },
  { name: 'policy.wasm left out of the tarball', wasm: repacked({ 'policy.wasm': null }) },
  // Repacked AND resealed (the digest matches): the seal's other fields still refuse the pair.
  { name: 'manifest revision changed, seal digest recomputed', ...((t) => ({ wasm: t, seal: sealFor(t) }))(withManifest({ revision: 'f00dbabef00dbabe' })) },
  { name: 'manifest entrypoints reordered, seal digest recomputed', ...((t) => ({ wasm: t, seal: sealFor(t) }))(withManifest({ wasm: [...(MANIFEST.wasm as unknown[])].reverse() })) },
  { name: 'data.json setting data.world, seal digest recomputed', ...((t) => ({ wasm: t, seal: sealFor(t) }))(repacked({ 'data.json': '{"world": {"blockers": {}}}' })) },
  { name: 'data.json setting data.blockgate, seal digest recomputed', ...((t) => ({ wasm: t, seal: sealFor(t) }))(repacked({ 'data.json': '{"blockgate": {"decision": {"allowed": true}}}' })) },
  { name: 'an extra file in the tarball, seal digest recomputed', ...((t) => ({ wasm: t, seal: sealFor(t) }))(repacked({ 'extra.js': 'x' })) },
  // Seal fields of the bundle format.
  { name: 'seal view_version of another blockgate', seal: sealWith({ view_version: 2 }) },
  { name: 'seal says signed, the bundle is not', seal: sealWith({ signed: true }) },
  { name: 'seal naming the old format policy.wasm', seal: sealWith({ bundle: 'policy.wasm' }) },
  { name: 'seal rules malformed', seal: sealWith({ rules: { R: { file: 1 } } }) },
];

/** Every command that evaluates the policy. (`ledger` commands never load the bundle.) */
const COMMANDS: string[][] = [
  ['check', '--action', 'apply', '--env', 'production', '--at', '2026-11-25T12:00:00Z'],
  ['check', '--action', 'real-run', '--env', 'staging', '--at', '2026-11-25T12:00:00Z', '--explain-plan'],
  ['plan', '--action', 'apply', '--env', 'production', '--at', '2026-11-25T12:00:00Z'],
  ['matrix', '--at', '2026-11-25T12:00:00Z'],
  ['what-if', '--revoke', 'G-OWNER-APPLY-1', '--at', '2026-11-25T12:00:00Z'],
  ['validate'],
];
const INPUTS = ['--blockers', FIX7_MAP, '--ledger', FIX7_LEDGER, '--trust', TRUST];

interface Result { lib: unknown; runs: Run[]; commands: string[][] }
const results = new Map<string, Result>();

beforeAll(async () => {
  const jobs: (() => Promise<void>)[] = [];
  CASES.forEach((c, i) => {
    const pkg = snapshotPackage(join(dir, `pkg-${i}`));
    const bundles = join(pkg.root, 'bundles');
    if (c.wasm === null) unlinkSync(join(bundles, 'bundle.tar.gz'));
    else if (c.wasm) writeFileSync(join(bundles, 'bundle.tar.gz'), c.wasm);
    if (c.seal === null) unlinkSync(join(bundles, 'seal.json'));
    else if (c.seal !== undefined) writeFileSync(join(bundles, 'seal.json'), c.seal);
    // Every command on a few cases of each kind; `check` on all.
    const commands = i % 6 === 0 ? COMMANDS : [COMMANDS[0]!];
    const result: Result = { lib: undefined, runs: [], commands };
    results.set(c.name, result);
    jobs.push(async () => {
      try {
        await openGate({ blockers: [FIX7_MAP], ledger: FIX7_LEDGER, trust: TRUST, bundleDir: bundles });
        result.lib = 'opened';
      } catch (e) {
        result.lib = e instanceof BlockgateError ? e.code : `not a BlockgateError: ${String(e)}`;
      }
      for (const [k, command] of commands.entries()) {
        const format = k % 2 === 0 ? ['--format', 'json'] : [];
        result.runs.push(await runCli([...command, ...INPUTS, ...format], { bin: pkg.bin }));
      }
    });
  });
  await runAll(jobs);
}, 600_000);

describe('bundle and seal tampering (on copies of the package)', () => {
  it('a tarball packed again unchanged, with its digest resealed, opens: each resealed case is refused by the field it changes', async () => {
    const bundles = join(snapshotPackage(join(dir, 'pkg-repacked')).root, 'bundles');
    const tarball = repacked({});
    writeFileSync(join(bundles, 'bundle.tar.gz'), tarball);
    writeFileSync(join(bundles, 'seal.json'), sealFor(tarball));
    const gate = await openGate({ blockers: [FIX7_MAP], ledger: FIX7_LEDGER, trust: TRUST, bundleDir: bundles });
    expect(gate.policy.sha256).toBe(sha(tarball));
  });

  it('the untampered copy works', async () => {
    const pkg = snapshotPackage(join(dir, 'pkg-untampered'));
    const run = await runCli([...COMMANDS[1]!, ...INPUTS, '--format', 'json'], { bin: pkg.bin });
    expect(run.code).toBe(0);
  });

  for (const c of CASES) {
    (c.bug ? it.fails : it)(c.bug ? `${c.name} (BUG: ${c.bug})` : c.name, () => {
      const r = results.get(c.name)!;
      expect(r.lib, 'openGate').toBe('bundle-seal');
      r.runs.forEach((run, k) => {
        const where = `${r.commands[k]!.join(' ')}: exit ${run.code}\n${run.stdout.slice(0, 600)}\n${run.stderr.slice(0, 600)}`;
        expect(stackTraceIn(run.stdout + run.stderr), where).toBeUndefined();
        expect(run.code, where).toBe(1);
        expect(/"allowed":\s*true/.test(run.stdout), where).toBe(false);
        const text = k % 2 === 0 ? (JSON.parse(run.stdout) as { error: { code: string } }).error.code : run.stderr;
        expect(text, where).toContain('bundle-seal');
      });
    });
  }
});
