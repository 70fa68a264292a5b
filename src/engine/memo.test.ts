import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { loadBlockerMaps } from '../load/maps.js';
import { DEFAULT_CATALOG } from '../load/catalog.js';
import { buildWorld, type WorldEntry } from './world.js';
import { Engine, type PolicyRequest } from './engine.js';
import { DecisionMemo, timeBreakpoints, timeClass } from './memo.js';
import type { EntryFields } from '../schema/types.js';

const MAP = fileURLToPath(new URL('../../fixtures/fix7/production-readiness-blocker-map.json', import.meta.url));
const IDS = ['FIX7-P0-PLAN-SEPARATE-AUTH-1', 'FIX7-P0-PROD-OPT4-1', 'FIX7-P0-PROD-BIRTH-SURFACE-1', 'FIX7-P0-OPERATOR-INPUT-1', 'FIX7-P0-DRYRUN-PROD-ROLLBACK-1'];
const T0 = Date.parse('2026-11-20T00:00:00Z');
const HOUR = 3_600_000;

function entry(fields: EntryFields, line: number): WorldEntry {
  return { fields, auth: 'ok', line, where: `ledger line ${line}` };
}

/** Grants with overlapping validity windows, one revoke, targets: many breakpoints. */
function world() {
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
  return buildWorld({ blockers: set, catalog: DEFAULT_CATALOG, entries, verified: true, trustedRoles: null });
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
  const memo = Engine.open(w);
  const plain = Engine.open(w, undefined, { memo: false });
  const times = [...timeBreakpoints(w)].flatMap((t) => [t - 1, t, t + 1]);
  for (let i = 0; i < 40; i++) times.push(T0 - HOUR + Math.floor(((i * 7919) % 1000) / 1000 * 14 * HOUR));

  it('has breakpoints from issued_at, expires_at and revokes', () => {
    // issued at +0..4h, expiring at +6..10h; the revoke at +3h coincides with an issue time.
    expect([...timeBreakpoints(w)].map((t) => (t - T0) / HOUR)).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9, 10]);
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
    const engine = Engine.open(buildWorld({ blockers: set, catalog, entries: [], verified: true, trustedRoles: null }));
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
