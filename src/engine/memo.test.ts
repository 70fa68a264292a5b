import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadBlockerMaps } from '../load/maps.js';
import { DEFAULT_CATALOG } from '../load/catalog.js';
import { buildWorld, type WorldEntry } from './world.js';
import { Engine } from './engine.js';
import { timeBreakpoints, timeClass } from './memo.js';
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
