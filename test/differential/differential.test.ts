// Differential correctness: generated worlds decided by (a) the sealed WASM bundle through the
// host, (b) the same Rego under native `opa eval`, (c) a plain model of SPEC 2. They must agree.
//
// Normal run: DIFF_WORLDS worlds (default 2000) from a fixed seed (DIFF_SEED), plus every saved
// counterexample. `make fuzz`: FUZZ_SECONDS (or FUZZ_WORLDS) of random seeds; every failing world
// is saved under counterexamples/ and replayed by the normal run from then on.

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { differentialRun, newStats, replay, saveCounterexample, savedCounterexamples, type WorldFailure } from './run.js';

const env = process.env;
const FUZZ_SECONDS = Number(env.FUZZ_SECONDS ?? 0);
const FUZZ_WORLDS = Number(env.FUZZ_WORLDS ?? 0);
const fuzzing = FUZZ_SECONDS > 0 || FUZZ_WORLDS > 0;
const WORLDS = Number(env.DIFF_WORLDS ?? 2000);
const SEED = Number(env.DIFF_SEED ?? 20261120);
const OUT_DIR = fileURLToPath(new URL('../../.out/counterexamples/', import.meta.url));

function report(failures: WorldFailure[]): string {
  return failures.slice(0, 3).map((f) => `${f.failures.slice(0, 4).join('\n  ')}\n  world: ${JSON.stringify(f.world).slice(0, 4000)}`).join('\n\n');
}

describe('saved counterexamples', () => {
  const saved = savedCounterexamples();
  it('are all readable', () => expect(saved.every((s) => s.record.world !== undefined)).toBe(true));
  for (const { name, record } of saved) {
    // A saved world with a `bug` note is a reported bug in src/ or policies/: expected to fail until fixed.
    const test = record.bug ? it.fails : it;
    test(`${name}${record.bug ? ` (BUG: ${record.bug})` : ''}`, async () => {
      expect(await replay(record.world)).toEqual([]);
    }, 60_000);
  }
});

describe.skipIf(fuzzing)('differential: bundle vs opa eval vs model', () => {
  it(`agrees on ${WORLDS} generated worlds`, async () => {
    const stats = newStats();
    const started = Date.now();
    const failures = await differentialRun({ seed: SEED, worlds: WORLDS, stats });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`differential: ${stats.worlds} worlds, ${stats.decisions} decisions (${stats.allowed} allowed), ${stats.plans} plans, `
      + `${stats.opaCases} opa cases, ${stats.gateWorlds} worlds also through openGate, ${seconds} s `
      + `(in process ${(stats.inProcessMs / 1000).toFixed(1)} s, opa ${(stats.opaMs / 1000).toFixed(1)} s)`);
    console.log(`denial reasons: ${JSON.stringify(Object.fromEntries(stats.reasons))}`);
    console.log(`ignored reasons: ${JSON.stringify(Object.fromEntries(stats.ignoredReasons))}`);
    console.log(`warnings: ${JSON.stringify(Object.fromEntries(stats.warnings))}`);
    // Failing worlds of the normal run go to .out/ (fuzz saves to counterexamples/, which is replayed).
    for (const f of failures.slice(0, 3)) console.log(`counterexample saved: ${saveCounterexample(f, SEED, OUT_DIR)}`);
    expect(failures.length, report(failures)).toBe(0);
    expect(stats.worlds).toBeGreaterThanOrEqual(WORLDS);
    // The generator must reach every outcome, or agreement would prove little.
    expect(stats.allowed).toBeGreaterThan(stats.decisions / 20);
    for (const reason of ['no-role', 'ambiguous-actor', 'prerequisite-unsatisfied', 'missing-grant', 'evidence-missing', 'grant-too-early']) {
      expect(stats.reasons.get(reason) ?? 0, `denial reason ${reason}`).toBeGreaterThan(0);
    }
    for (const reason of ['unknown-key', 'role-mismatch', 'revoked', 'expired', 'not-yet-valid', 'other-action',
      'other-environment', 'other-target', 'role-not-required', 'evidence-missing', 'too-early']) {
      expect(stats.ignoredReasons.get(reason) ?? 0, `ignored reason ${reason}`).toBeGreaterThan(0);
    }
    for (const warning of ['blocker-applies-nowhere', 'ledger-not-verified', 'revoke-without-effect/unknown-key',
      'revoke-without-effect/role-mismatch', 'revoke-without-effect/other-role']) {
      expect(stats.warnings.get(warning) ?? 0, `warning ${warning}`).toBeGreaterThan(0);
    }
  }, 600_000);
});

describe.skipIf(!fuzzing)('fuzz: bundle vs opa eval vs model', () => {
  // FUZZ_WORLDS, when given, counts worlds; otherwise FUZZ_SECONDS of rounds.
  const byCount = FUZZ_WORLDS > 0;
  it(`runs for ${byCount ? `${FUZZ_WORLDS} worlds` : `${FUZZ_SECONDS} s`}`, async () => {
    const deadline = Date.now() + FUZZ_SECONDS * 1000;
    const stats = newStats();
    const saved: string[] = [];
    while (byCount ? stats.worlds < FUZZ_WORLDS : Date.now() < deadline) {
      const seed = (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) | 0;
      const round = byCount ? Math.min(1000, FUZZ_WORLDS - stats.worlds) : 500;
      const failures = await differentialRun({ seed, worlds: round, stats });
      for (const f of failures) saved.push(saveCounterexample(f, seed));
      console.log(`fuzz: seed ${seed}: ${stats.worlds} worlds so far, ${saved.length} counterexamples`);
    }
    console.log(`fuzz: ${stats.worlds} worlds, ${stats.decisions} decisions, ${stats.opaCases} opa cases; saved: ${saved.join(', ') || 'none'}`);
    expect(saved).toEqual([]);
  }, 24 * 3600_000);
});
