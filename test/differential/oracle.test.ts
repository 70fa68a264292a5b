// The oracle itself: the model reproduces SPEC's own examples, and the comparisons can fail:
// a model with one rule broken, opa fed another world, a plan with a grant left out, are each
// caught on generated worlds.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readSealedBundle } from '../../src/engine/bundle.js';
import { arbWorld } from './generator.js';
import { writeWorld } from './files.js';
import { hostDecide, type HostResult } from './host.js';
import { actorsOf, decide, readWorld, requestOf, smallestPlanSize, tagsOf, type Mutation } from './model.js';
import { checkPlan, compareWithModel, compareWithOpa } from './compare.js';
import { opaEvaluate } from './opa.js';
import { differentialRun, replay, saveCounterexample, savedCounterexamples } from './run.js';
import type { WorldSpec } from './world.js';

describe('the model reads SPEC 1.2 as SPEC writes it', () => {
  it('normalises tags', () => {
    expect(tagsOf('REAL_RUN')).toEqual(['real-run']);
    expect(tagsOf('cutover/apply/permit/activation/repoint')).toEqual(['activation', 'apply', 'cutover', 'permit', 'repoint']);
    expect(tagsOf(' Real  Run , production//')).toEqual(['production', 'real-run']);
    expect(tagsOf(['apply/production', ''])).toEqual(['apply/production']);
  });

  it('reads actor_needed', () => {
    expect(actorsOf('owner + operator (scope …)')).toEqual({ roles: ['operator', 'owner'], mode: 'all' });
    expect(actorsOf('operator (+ separate production authorization)')).toEqual({ roles: ['operator'], mode: 'all' });
    expect(actorsOf('owner or operator')).toEqual({ roles: ['operator', 'owner'], mode: 'any' });
    expect(actorsOf('Owner | Security  Officer')).toEqual({ roles: ['owner', 'security officer'], mode: 'any' });
    expect(actorsOf('owner and operator, dba & x')).toEqual({ roles: ['dba', 'operator', 'owner', 'x'], mode: 'all' });
    expect(actorsOf('owner + operator or dba').problem).toBe('ambiguous-actor');
    expect(actorsOf('android').roles).toEqual(['android']);
    expect(actorsOf('sre-or-dev').roles).toEqual(['sre-or-dev']);
    expect(actorsOf('(just a note)').problem).toBe('no-role');
    expect(actorsOf([]).problem).toBe('no-role');
    expect(actorsOf(['Owner', ' operator '])).toEqual({ roles: ['operator', 'owner'], mode: 'all' });
  });

  it('puts every string in NFKC form first', () => {
    expect(tagsOf('ＰＲＯＤＵＣＴＩＯＮ／Apply，REAL＿RUN')).toEqual(['apply', 'production', 'real-run']);
    expect(actorsOf('Owner ＋ Operator （scope ｏｒ not）')).toEqual({ roles: ['operator', 'owner'], mode: 'all' });
    expect(actorsOf('owner ｏｒ ｄｂａ')).toEqual({ roles: ['dba', 'owner'], mode: 'any' });
    expect(actorsOf('ＳＲＥ－ｏｒ－Ｄｅｖ')).toEqual({ roles: ['sre-or-dev'], mode: 'all' });
    expect(actorsOf('owner ＆ operator ｜ dba').problem).toBe('ambiguous-actor');
  });
});

describe('the model decides the FIX7 example as the README tells it', () => {
  it('denies production apply for want of the rollback proof, and allows staging real-run', () => {
    // A hand-written world in the generator's form: two blockers, three grants.
    const at = (text: string) => ({ ms: Date.parse(text), text });
    const world: WorldSpec = {
      catalog: null,
      maps: [{ doc: { blockers: [
        { id: 'ROLLBACK', actor_needed: 'operator (+ separate production authorization)', blocks: 'production' },
        { id: 'SURFACE', actor_needed: 'owner + operator (scope)', blocks: 'production' },
        { id: 'REALRUN', actor_needed: 'owner', blocks: 'REAL_RUN' },
      ] } }],
      trust: [{ id: 'owner-1', role: 'owner', seed: 1 }, { id: 'operator-1', role: 'operator', seed: 2 }],
      entries: [
        { fields: { id: 'G1', type: 'grant', role: 'owner', issued_at: '2026-11-20T10:00:00Z', action: 'apply', environment: 'production', resolves: ['SURFACE'] },
          issued: at('2026-11-20T10:00:00Z'), signing: { kind: 'key', keyId: 'owner-1', seed: 1 }, order: 0, escapeUnicode: false },
        { fields: { id: 'G2', type: 'grant', role: 'operator', issued_at: '2026-11-21T09:30:00+01:00', action: 'apply', environment: 'production', resolves: ['SURFACE'] },
          issued: at('2026-11-21T09:30:00+01:00'), signing: { kind: 'key', keyId: 'operator-1', seed: 2 }, order: 0, escapeUnicode: false },
        { fields: { id: 'G3', type: 'grant', role: 'owner', issued_at: '2026-11-22T08:00:00Z', action: 'real-run', environment: 'staging', resolves: ['REALRUN'] },
          issued: at('2026-11-22T08:00:00Z'), signing: { kind: 'key', keyId: 'owner-1', seed: 1 }, order: 0, escapeUnicode: false },
      ],
      verify: true,
      requests: [],
    };
    const m = readWorld(world);
    const apply = decide(m, { action: 'apply', environment: 'production', at: Date.parse('2026-11-25T12:00:00Z') });
    expect(apply.allowed).toBe(false);
    expect(apply.denials).toEqual([{
      kind: 'blocker', blocker_id: 'ROLLBACK', item: null, next_action: null, actor_needed: 'operator (+ separate production authorization)', source: 'map-1.json',
      blocks: ['production'], required_roles: ['operator'], mode: 'all', missing_roles: ['operator'], reasons: ['missing-grant'],
    }]);
    expect(apply.satisfied).toEqual([{ blocker_id: 'SURFACE', grants: ['G1', 'G2'] }]);
    expect(decide(m, { action: 'real-run', environment: 'staging', at: Date.parse('2026-11-25T12:00:00Z') }).allowed).toBe(true);
    // Exactly at issue: in force; a millisecond before: not yet.
    expect(decide(m, { action: 'real-run', environment: 'staging', at: Date.parse('2026-11-22T08:00:00Z') }).allowed).toBe(true);
    expect(decide(m, { action: 'real-run', environment: 'staging', at: Date.parse('2026-11-22T08:00:00Z') - 1 }).allowed).toBe(false);
    expect(smallestPlanSize(m, { action: 'apply', environment: 'production', at: Date.parse('2026-11-25T12:00:00Z') })).toBe(1);
  });
});

describe('the comparisons can fail', () => {
  const bundle = readSealedBundle();
  const root = mkdtempSync(join(tmpdir(), 'blockgate-oracle-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const worlds = fc.sample(arbWorld, { seed: 4242, numRuns: 300 });
  const hosts: HostResult[] = worlds.map((w, i) => hostDecide(w, writeWorld(w, join(root, `w${i}`)), bundle, (r) => r % 2 === 0));

  const MUTATIONS: Mutation[] = ['expiry-inclusive', 'revoke-any-role', 'ignore-evidence', 'ignore-after-time', 'any-as-all', 'target-ignored',
    'revoke-warning-on-time', 'no-nfkc', 'what-if-ignored'];
  for (const mutation of MUTATIONS) {
    it(`catches a model with '${mutation}'`, () => {
      let disagreements = 0;
      worlds.forEach((w, i) => {
        const model = readWorld(w, mutation);
        w.requests.forEach((r, j) => {
          if (compareWithModel(hosts[i]!.answers[j]!.decision, decide(model, requestOf(r), mutation)).length > 0) disagreements++;
        });
      });
      expect(disagreements).toBeGreaterThan(0);
    });
  }

  it('the unmutated model agrees on the same worlds', () => {
    const failures: string[] = [];
    worlds.forEach((w, i) => {
      const model = readWorld(w);
      w.requests.forEach((r, j) => failures.push(...compareWithModel(hosts[i]!.answers[j]!.decision, decide(model, requestOf(r)))));
    });
    expect(failures).toEqual([]);
  });

  it('catches opa evaluating a different world (signatures unchecked, first grant gone)', async () => {
    const sample = hosts.slice(0, 60);
    const altered = sample.map((h) => {
      const world = structuredClone(h.world);
      world.ledger.verified = !world.ledger.verified;
      const first = Object.keys(world.grants)[0];
      if (first !== undefined) delete world.grants[first];
      return world;
    });
    const cases = sample.flatMap((h, w) => h.answers.map((a) => ({ world: w, input: a.input, plan: a.plan !== undefined })));
    const answers = await opaEvaluate(altered, cases);
    const mismatches = cases.filter((c, k) => compareWithOpa(sample[c.world]!.answers[k % 4]!, answers[k]).length > 0).length;
    expect(mismatches).toBeGreaterThan(0);
    // And the same worlds, unaltered, agree.
    const same = await opaEvaluate(sample.map((h) => h.world), cases);
    expect(cases.filter((c, k) => compareWithOpa(sample[c.world]!.answers[k % 4]!, same[k]).length > 0)).toEqual([]);
  }, 60_000);

  it('a broken model fails the run, and its saved counterexample replays the failure', async () => {
    const failures = await differentialRun({ seed: 99, worlds: 40, mutation: 'expiry-inclusive' });
    expect(failures.length).toBeGreaterThan(0);
    const path = saveCounterexample(failures[0]!, 99, join(root, 'saved'));
    const saved = savedCounterexamples(join(root, 'saved'));
    expect(saved.map((s) => join(root, 'saved', s.name))).toEqual([path]);
    expect((await replay(saved[0]!.record.world, 'expiry-inclusive')).length).toBeGreaterThan(0);
    expect(await replay(saved[0]!.record.world)).toEqual([]);
  }, 120_000);

  it('catches a plan with a grant left out', () => {
    let caught = 0;
    worlds.forEach((w, i) => {
      const h = hostDecide(w, writeWorld(w, join(root, `p${i}`)), bundle, (r) => r % 2 === 0, { dropPlannedGrant: true });
      h.answers.forEach((a) => {
        if (a.plan && a.plan.grants_needed.length > 0 && checkPlan(a, undefined).length > 0) caught++;
      });
    });
    expect(caught).toBeGreaterThan(0);
  });
});
