import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { loadBlockerMaps } from '../inputs/maps.js';
import { DEFAULT_CATALOG } from '../inputs/catalog.js';
import { buildWorld, type HypotheticalRevoke, type WorldEntry } from './world.js';
import { Engine, type PolicyRequest } from './engine.js';
import { readSealedBundle } from './bundle.js';
import { DecisionMemo, sortedBreakpoints, timeClass } from './memo.js';
import { BlockgateError } from '../errors.js';
import { EARLIEST_TIME, LATEST_TIME } from '../schema/time.js';
import type { EntryFields } from '../schema/types.js';

const MAP = fileURLToPath(new URL('../../fixtures/fix7/production-readiness-blocker-map.json', import.meta.url));
const IDS = ['FIX7-P0-PLAN-SEPARATE-AUTH-1', 'FIX7-P0-PROD-OPT4-1', 'FIX7-P0-PROD-BIRTH-SURFACE-1', 'FIX7-P0-OPERATOR-INPUT-1', 'FIX7-P0-DRYRUN-PROD-ROLLBACK-1'];
const T0 = Date.parse('2026-11-20T00:00:00Z');
const HOUR = 3_600_000;

function entry(fields: EntryFields, line: number): WorldEntry {
  return { fields, auth: 'ok', line, where: `ledger line ${line}` };
}

/** Grants with overlapping validity windows, one revoke, targets: many breakpoints. */
function world(hypotheticalRevokes: HypotheticalRevoke[] = []) {
  const entries: WorldEntry[] = [];
  const iso = (ms: number) => new Date(ms).toISOString();
  IDS.forEach((id, i) => {
    for (const role of ['owner', 'operator']) {
      const grant: EntryFields = {
        type: 'grant', id: `G-${role}-${i}`, role, action: 'apply', environment: 'production',
        resolves: [id], issued_at: iso(T0 + i * HOUR), expires_at: iso(T0 + (i + 6) * HOUR),
      };
      if (i % 2 === 1) grant.target = 'QT001';
      entries.push(entry(grant, entries.length + 1));
    }
  });
  entries.push(entry({ type: 'revoke', id: 'R-1', role: 'owner', revokes: 'G-owner-2', issued_at: iso(T0 + 3 * HOUR) }, entries.length + 1));
  const { set } = loadBlockerMaps([MAP]);
  return buildWorld({ blockers: set, catalog: DEFAULT_CATALOG, entries, verified: true, trustedRoles: null, hypotheticalRevokes });
}

describe('time classes', () => {
  const points = Float64Array.from([10, 20, 30]);
  it('gives each breakpoint its own class and each gap between them another', () => {
    expect([5, 10, 15, 20, 25, 30, 35].map((at) => timeClass(points, at))).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
  it('has one class with no breakpoints', () => {
    expect(timeClass(new Float64Array(0), 123)).toBe(0);
  });
});

describe('the memo never changes an answer', () => {
  const w = world();
  const memo = Engine.open(w, readSealedBundle());
  const plain = Engine.open(w, readSealedBundle(), { memo: false });
  const times = [...memo.breakpoints].flatMap((t) => [t - 1, t, t + 1]);
  for (let i = 0; i < 40; i++) times.push(T0 - HOUR + Math.floor(((i * 7919) % 1000) / 1000 * 14 * HOUR));

  it('has the policy\'s breakpoints: issued_at, expires_at and revokes, sorted', () => {
    // issued at +0..4h, expiring at +6..10h; the revoke at +3h coincides with an issue time.
    expect([...memo.breakpoints].map((t) => (t - T0) / HOUR)).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9, 10]);
    expect(plain.breakpoints).toEqual(memo.breakpoints);
  });

  it('agrees with unmemoised evaluation for every time, target, action and environment', () => {
    let compared = 0;
    for (const at of times) {
      for (const action of ['apply', 'cutover']) {
        for (const environment of ['production', 'staging']) {
          for (const target of [undefined, 'QT001', 'QT002']) {
            const request = target === undefined ? { action, environment, at } : { action, environment, target, at };
            expect(memo.decide(request)).toEqual(plain.decide(request));
            expect(memo.plan(request)).toEqual(plain.plan(request));
            compared++;
          }
        }
      }
    }
    expect(compared).toBe(times.length * 12);
  });

  it('returns frozen answers, so one caller cannot change another caller\'s', () => {
    const d = memo.decide({ action: 'apply', environment: 'production', at: T0 });
    expect(Object.isFrozen(d)).toBe(true);
    expect(Object.isFrozen(d.denials)).toBe(true);
  });
});

describe('the policy\'s breakpoints', () => {
  it('are sorted by numeric value, not as text', () => {
    expect([...sortedBreakpoints([100, 9, 10, -5, EARLIEST_TIME, LATEST_TIME])]).toEqual([EARLIEST_TIME, -5, 9, 10, 100, LATEST_TIME]);
    expect(sortedBreakpoints([])).toEqual(new Float64Array(0));
  });

  it('are refused when they are not a list of finite numbers: a wrong memo key would serve another instant\'s answer', () => {
    for (const bad of [undefined, null, {}, '1', [1, '2'], [Number.NaN], [Number.POSITIVE_INFINITY], [null]]) {
      const thrown = (() => { try { sortedBreakpoints(bad); } catch (e) { return e; } return undefined; })();
      expect(thrown).toBeInstanceOf(BlockgateError);
      expect((thrown as BlockgateError).code).toBe('internal');
      expect((thrown as BlockgateError).message).toBe('the policy gave malformed breakpoints (not a list of instants)');
    }
  });

  it('include what-if revokes, which the host never lists: the memo knows them only from the policy', () => {
    const at = T0 + 90 * 60_000; // no ledger time
    const w = world([{ grantId: 'G-owner-0', at, where: '--revoke "G-owner-0"' }]);
    const memo = Engine.open(w, readSealedBundle());
    const plain = Engine.open(w, readSealedBundle(), { memo: false });
    expect([...memo.breakpoints]).toContain(at);
    const request = { action: 'apply', environment: 'production' };
    // Asked first just before the revoke: a memo keyed on ledger times alone would serve this at `at`.
    for (const t of [at - 1, at, at + 1]) expect(memo.decide({ ...request, at: t })).toEqual(plain.decide({ ...request, at: t }));
    expect(memo.decide({ ...request, at: at - 1 }).satisfied.flatMap((x) => x.grants)).toContain('G-owner-0');
    expect(memo.decide({ ...request, at }).ignored_grants).toContainEqual({ grant_id: 'G-owner-0', blocker_ids: [IDS[0]], reason: 'revoked' });
  });
});

// Generated worlds: grants, revokes and what-if revokes at few distinct minutes (so instants often
// coincide), every authenticity, targets, expiries before and after issue; blockers with all/any
// modes, evidence, prerequisites and a declared-resolved one.
const GEN_MAP = {
  resolved_in_this_macro: ['R-DONE'],
  blockers: [
    { id: 'B-ALL', actor_needed: 'owner + operator', blocks: 'apply/production', evidence_required: true },
    { id: 'B-ANY', actor_needed: 'owner or dba', blocks: 'production', after: ['B-PRE', 'R-DONE'] },
    { id: 'B-PRE', actor_needed: 'sec', blocks: 'permit' },
    { id: 'B-CUT', actor_needed: 'dba', blocks: 'cutover', after: ['B-PRE'] },
    { id: 'R-DONE', actor_needed: 'owner', blocks: 'permit' },
  ],
};
const GEN_ROLES = ['owner', 'operator', 'dba', 'sec'];
const MINUTE = 60_000;

const arbGrant = fc.record({
  role: fc.constantFrom(...GEN_ROLES),
  action: fc.constantFrom('apply', 'cutover', 'permit'),
  environment: fc.constantFrom('production', 'staging'),
  target: fc.option(fc.constant('QT001'), { nil: undefined }),
  resolves: fc.subarray(['B-ALL', 'B-ANY', 'B-PRE', 'B-CUT', 'R-DONE'], { minLength: 1 }),
  issued: fc.integer({ min: 0, max: 12 }),
  lasts: fc.option(fc.integer({ min: -2, max: 8 }), { nil: undefined }),
  evidence: fc.boolean(),
  auth: fc.constantFrom('ok', 'ok', 'ok', 'unknown-key', 'role-mismatch'),
});
const arbRevoke = fc.record({
  grant: fc.nat(), role: fc.constantFrom(...GEN_ROLES, 'same'), issued: fc.integer({ min: 0, max: 12 }), auth: fc.constantFrom('ok', 'ok', 'unknown-key'),
});
const arbWhatIf = fc.record({ grant: fc.nat(), issued: fc.integer({ min: 0, max: 12 }) });
const arbGenWorld = fc.record({
  grants: fc.array(arbGrant, { minLength: 1, maxLength: 6 }),
  revokes: fc.array(arbRevoke, { maxLength: 3 }),
  whatIfs: fc.array(arbWhatIf, { maxLength: 2 }),
});

type GenWorld = typeof arbGenWorld extends fc.Arbitrary<infer T> ? T : never;

function generatedWorld(spec: GenWorld, mapFile: string) {
  const iso = (minutes: number) => new Date(T0 + minutes * MINUTE).toISOString();
  const entries: WorldEntry[] = [];
  const grants = spec.grants.map((g, i) => {
    const fields: EntryFields = {
      type: 'grant', id: `G-${i}`, role: g.role, action: g.action, environment: g.environment, resolves: g.resolves, issued_at: iso(g.issued),
    };
    if (g.target !== undefined) fields.target = g.target;
    if (g.lasts !== undefined) fields.expires_at = iso(g.issued + g.lasts);
    if (g.evidence) fields.evidence = [{ uri: 'https://evidence.example/x', sha256: 'e'.repeat(64) }];
    entries.push({ fields, auth: g.auth, line: entries.length + 1, where: `ledger line ${entries.length + 1}` });
    return fields;
  });
  spec.revokes.forEach((r, i) => {
    const target = grants[r.grant % grants.length]!;
    entries.push({
      fields: { type: 'revoke', id: `R-${i}`, role: r.role === 'same' ? target.role : r.role, revokes: target.id, issued_at: iso(r.issued) },
      auth: r.auth, line: entries.length + 1, where: `ledger line ${entries.length + 1}`,
    });
  });
  const hypotheticalRevokes = spec.whatIfs.map((h) => {
    const grantId = grants[h.grant % grants.length]!.id;
    return { grantId, at: T0 + h.issued * MINUTE, where: `--revoke "${grantId}"` };
  });
  const { set } = loadBlockerMaps([mapFile]);
  return buildWorld({ blockers: set, catalog: DEFAULT_CATALOG, entries, verified: true, trustedRoles: null, hypotheticalRevokes });
}

describe('generated: the memo never changes an answer', () => {
  it('agrees with unmemoised evaluation at, just before and just after every breakpoint, between them and at the extremes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'blockgate-memo-gen-'));
    const mapFile = join(dir, 'map.json');
    writeFileSync(mapFile, JSON.stringify(GEN_MAP));
    const bundle = readSealedBundle();
    const requests = [
      { action: 'apply', environment: 'production' }, { action: 'apply', environment: 'production', target: 'QT001' },
      { action: 'cutover', environment: 'production' }, { action: 'permit', environment: 'staging', target: 'QT001' },
    ];
    let compared = 0;
    fc.assert(fc.property(arbGenWorld, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (spec, order) => {
      const w = generatedWorld(spec, mapFile);
      const memo = Engine.open(w, bundle);
      const plain = Engine.open(w, bundle, { memo: false });
      const points = [...memo.breakpoints];
      const times = [EARLIEST_TIME, LATEST_TIME, T0 - 7 * MINUTE, T0 + 30 * MINUTE, ...points.flatMap((t) => [t - 1, t, t + 1, t + MINUTE / 2])];
      // A shuffled order, so a class is first cached from any of its instants.
      const shuffled = times.map((t, i) => ({ t, k: (i * 2654435761 + order) % 4294967296 })).sort((a, b) => a.k - b.k).map((x) => x.t);
      for (const at of shuffled) {
        for (const request of requests) {
          expect(memo.decide({ ...request, at })).toEqual(plain.decide({ ...request, at }));
          expect(memo.plan({ ...request, at })).toEqual(plain.plan({ ...request, at }));
          compared++;
        }
      }
    }), { numRuns: 30, seed: 20261202 });
    expect(compared).toBeGreaterThan(30 * 4 * 4);
  });
});

function policyRequest(r: { action: string; environment: string; target: string | undefined; at: number }): PolicyRequest {
  const { target, ...rest } = r;
  return target === undefined ? rest : { ...rest, target };
}

describe('the memo key is unambiguous', () => {
  it('keeps apart cells whose names joined by U+0000 read alike, so a cached allow never answers another cell', () => {
    const dir = mkdtempSync(join(tmpdir(), 'blockgate-memo-'));
    const map = join(dir, 'map.json');
    writeFileSync(map, JSON.stringify({ blockers: [{ id: 'B-Y', actor_needed: 'owner', blocks: 'y' }] }));
    const { set } = loadBlockerMaps([map]);
    // The catalog loader refuses control characters in names; the engine must not depend on it.
    const catalog = {
      actions: { 'a\u0000b': { tags: ['x'] }, a: { tags: ['y'] } },
      environments: { c: { tags: [] }, 'b\u0000c': { tags: [] } },
    };
    const engine = Engine.open(buildWorld({ blockers: set, catalog, entries: [], verified: true, trustedRoles: null }), readSealedBundle());
    expect(engine.decide({ action: 'a\u0000b', environment: 'c', at: T0 }).allowed).toBe(true);
    const other = engine.decide({ action: 'a', environment: 'b\u0000c', at: T0 });
    expect(other.allowed).toBe(false);
    expect(other.denials.map((d) => d.blocker_id)).toEqual(['B-Y']);
  });

  it('generated: two requests share a key only when they are the same request in the same time class', () => {
    const memo = new DecisionMemo<unknown>(Float64Array.from([10, 20]));
    // Few characters, separators among them: requests that read alike when joined are common.
    const part = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', '\u0000'), maxLength: 2 }),
      fc.string({ unit: fc.constantFrom('a', '\u0000', '\u0001', '\u0002', '"', ',', '\\', '[', ']'), maxLength: 3 }),
    );
    const request = fc.record({
      action: part, environment: part, target: fc.option(part, { nil: undefined }), at: fc.constantFrom(5, 10, 15, 20, 25),
    });
    fc.assert(fc.property(fc.constantFrom('decision', 'plan'), request, fc.constantFrom('decision', 'plan'), request, (e1, r1, e2, r2) => {
      const same = e1 === e2 && r1.action === r2.action && r1.environment === r2.environment && r1.target === r2.target
        && timeClass(Float64Array.from([10, 20]), r1.at) === timeClass(Float64Array.from([10, 20]), r2.at);
      expect(memo.key(e1, policyRequest(r1)) === memo.key(e2, policyRequest(r2))).toBe(same);
    }), { numRuns: 5000 });
  });

  it('generated: moving a U+0000 from one name to the next makes another key', () => {
    const memo = new DecisionMemo<unknown>(new Float64Array(0));
    const name = fc.string({ maxLength: 4 });
    fc.assert(fc.property(name, name, name, fc.option(name, { nil: undefined }), (a, b, c, target) => {
      const joinedInAction = policyRequest({ action: `${a}\u0000${b}`, environment: c, target, at: 0 });
      const joinedInEnvironment = policyRequest({ action: a, environment: `${b}\u0000${c}`, target, at: 0 });
      expect(memo.key('decision', joinedInAction)).not.toBe(memo.key('decision', joinedInEnvironment));
      const targetJoined = policyRequest({ action: a, environment: `${b}\u0000${c}`, target: undefined, at: 0 });
      const targetApart = policyRequest({ action: a, environment: b, target: `\u0002${c}`, at: 0 });
      expect(memo.key('decision', targetJoined)).not.toBe(memo.key('decision', targetApart));
    }), { numRuns: 2000 });
  });
});
