// Hand-made worlds for the corners a random generator reaches rarely, each decided the three
// ways (bundle, opa eval, model) with the plan checks, exactly as generated worlds are.

import { describe, expect, it } from 'vitest';
import { replay } from './run.js';
import type { EntrySpec, RequestSpec, TimeSpec, WorldSpec } from './world.js';

const t = (text: string): TimeSpec => ({ ms: Date.parse(text), text });
const ms = (time: TimeSpec, delta: number): TimeSpec => {
  const v = time.ms + delta;
  return { ms: v, text: new Date(v).toISOString() };
};

const KEYS = { owner: { id: 'owner-1', seed: 1 }, operator: { id: 'operator-1', seed: 2 }, dba: { id: 'dba-1', seed: 3 } } as const;
const TRUST = [{ id: 'owner-1', role: 'owner', seed: 1 }, { id: 'operator-1', role: 'Operator', seed: 2 }, { id: 'dba-1', role: 'dba', seed: 3 }];
type KeyName = keyof typeof KEYS;

interface GrantOptions { action?: string; environment?: string; target?: string; expires?: TimeSpec; evidence?: boolean | 'empty'; key?: KeyName | 'ghost' }

function grant(id: string, role: string, issued: TimeSpec, resolves: string[], o: GrantOptions = {}): EntrySpec {
  const fields: Record<string, unknown> = {
    id, type: 'grant', role, issued_at: issued.text, action: o.action ?? 'apply', environment: o.environment ?? 'production', resolves,
  };
  if (o.target) fields.target = o.target;
  if (o.expires) fields.expires_at = o.expires.text;
  if (o.evidence === 'empty') fields.evidence = [];
  else if (o.evidence) fields.evidence = [{ uri: 'https://ci.example/1', sha256: 'e'.repeat(64) }];
  const spec: EntrySpec = { fields, issued, signing: signing(role, o), order: 0, escapeUnicode: false };
  if (o.expires) spec.expires = o.expires;
  return spec;
}

function revoke(id: string, role: string, issued: TimeSpec, revokes: string, o: GrantOptions = {}): EntrySpec {
  return { fields: { id, type: 'revoke', role, issued_at: issued.text, revokes }, issued, signing: signing(role, o), order: 0, escapeUnicode: false };
}

function signing(role: string, o: GrantOptions): EntrySpec['signing'] {
  if (o.key === 'ghost') return { kind: 'key', keyId: 'ghost-1', seed: 99 };
  const key = KEYS[o.key ?? (role.trim().toLowerCase() as KeyName)] ?? KEYS.owner;
  return { kind: 'key', keyId: key.id, seed: key.seed };
}

const req = (at: TimeSpec, action = 'apply', environment = 'production', target?: string): RequestSpec =>
  (target === undefined ? { action, environment, at } : { action, environment, target, at });

function world(blockers: Record<string, unknown>[], entries: EntrySpec[], requests: RequestSpec[], extra: Partial<WorldSpec> & { resolved?: string[] } = {}): WorldSpec {
  const doc: Record<string, unknown> = { blockers };
  if (extra.resolved) doc.resolved_in_this_macro = extra.resolved;
  return { catalog: extra.catalog ?? null, maps: [{ doc }], trust: extra.trust ?? TRUST, entries, verify: extra.verify ?? true, requests };
}

const T1 = t('2026-11-20T10:00:00Z');
const T2 = t('2026-11-21T09:30:00+01:00');
const T3 = t('2026-11-22T08:00:00-05:30');
const T4 = t('2026-11-25T12:00:00Z');

describe('directed worlds, decided three ways', () => {
  it('sorts ids by code point (U+FF5A before U+1F600), in denials, satisfied and grant lists', async () => {
    const blockers = ['B-ｚ', 'B-😀', 'B-ü', 'B-a', 'B-Z'].map((id) => ({ id, actor_needed: 'owner', blocks: 'production' }));
    const w = world(blockers, [grant('G-😀', 'owner', T1, ['B-a']), grant('G-ｚ', 'owner', T1, ['B-a', 'B-Z']), grant('G-a', 'owner', T1, ['B-ü'], { key: 'ghost' })], [req(T4)]);
    expect(await replay(w)).toEqual([]);
  });

  it('a blocker after itself: grants count only from its own direct time on', async () => {
    const b = { id: 'S', actor_needed: 'owner + operator', blocks: 'apply', after: ['S'] };
    const early = world([b], [grant('G1', 'owner', T1, ['S']), grant('G2', 'operator', T2, ['S'])], [req(T4), req(T2), req(ms(T2, -1))]);
    expect(await replay(early)).toEqual([]);
    const later = world([b], [grant('G1', 'owner', T1, ['S']), grant('G2', 'operator', T2, ['S']), grant('G3', 'owner', T3, ['S'])], [req(T4), req(T3), req(ms(T3, -1))]);
    expect(await replay(later)).toEqual([]);
  });

  it('cycles of after, and an unknown prerequisite', async () => {
    const w = world([
      { id: 'A', actor_needed: 'owner', blocks: 'apply', after: ['B'] },
      { id: 'B', actor_needed: 'operator', blocks: 'permit', after: ['A'] },
      { id: 'C', actor_needed: 'dba', blocks: 'apply', after: ['NOPE'] },
    ], [grant('G1', 'owner', T2, ['A']), grant('G2', 'operator', T1, ['B']), grant('G3', 'dba', T1, ['C'])], [req(T4), req(T4, 'permit'), req(T2), req(ms(T2, -1))]);
    expect(await replay(w)).toEqual([]);
  });

  it('at exactly issue, expiry and revoke times, and a millisecond either side', async () => {
    const b = { id: 'B', actor_needed: 'owner', blocks: 'production' };
    const entries = [
      grant('G1', 'owner', T1, ['B'], { expires: T2 }),
      grant('G2', 'owner', T2, ['B']),
      revoke('R2', 'Owner', T3, 'G2'),
      grant('G3', 'owner', T3, ['B'], { expires: T1 }), // expires before it is issued
    ];
    const times = [T1, T2, T3].flatMap((x) => [ms(x, -1), x, ms(x, 1)]);
    expect(await replay(world([b], entries, times.map((x) => req(x))))).toEqual([]);
  });

  it('offsets across a year end and a leap day: the same instants', async () => {
    const b = { id: 'B', actor_needed: 'owner', blocks: 'production' };
    const newYear = t('2027-01-01T00:30:00+01:00'); // 2026-12-31T23:30:00Z
    const leap = t('2028-02-29T23:00:00-12:00'); // 2028-03-01T11:00:00Z
    const entries = [grant('G1', 'owner', newYear, ['B'], { expires: leap })];
    const at = [t('2026-12-31T23:30:00Z'), t('2026-12-31T23:29:59.999Z'), t('2028-03-01T11:00:00Z'), t('2028-03-01T10:59:59.999+00:00'), t('2028-03-01T00:00:00+14:00')];
    expect(await replay(world([b], entries, at.map((x) => req(x))))).toEqual([]);
  });

  it('a prerequisite resolved by the map sets no time; another one does', async () => {
    const w = world([
      { id: 'P1', actor_needed: 'dba', blocks: 'misc' },
      { id: 'P2', actor_needed: 'owner', blocks: 'misc' },
      { id: 'B', actor_needed: 'owner + operator', blocks: 'production', after: ['P1', 'P2'] },
    ], [grant('G1', 'owner', T2, ['P2']), grant('G2', 'owner', T1, ['B']), grant('G3', 'operator', T3, ['B'])], [req(T4), req(T3)], { resolved: ['P1'] });
    expect(await replay(w)).toEqual([]);
  });

  it('revokes: from another role, from an unknown key, signed by another role\'s key, and later than at', async () => {
    const b = { id: 'B', actor_needed: 'owner', blocks: 'production' };
    const entries = [
      grant('G1', 'owner', T1, ['B']),
      revoke('R1', 'operator', T2, 'G1'),
      revoke('R2', 'owner', T2, 'G1', { key: 'ghost' }),
      revoke('R3', 'owner', T2, 'G1', { key: 'operator' }),
      // From another role and not yet issued at T3: it never takes effect, so it warns already.
      revoke('R5', 'dba', T4, 'G1'),
      revoke('R4', 'owner', T4, 'G1'),
    ];
    expect(await replay(world([b], entries, [req(T3), req(T4), req(ms(T4, -1))]))).toEqual([]);
  });

  it('--insecure-no-verify: every entry counts with its own role', async () => {
    const b = { id: 'B', actor_needed: 'owner + operator', blocks: 'production' };
    const entries = [grant('G1', 'owner', T1, ['B'], { key: 'ghost' }), grant('G2', 'operator', T1, ['B'], { key: 'owner' }), revoke('R1', 'operator', T2, 'G1', { key: 'dba' })];
    expect(await replay(world([b], entries, [req(T4), req(ms(T2, -1))], { verify: false }))).toEqual([]);
  });

  it('targets, evidence, and mode any', async () => {
    const w = world([
      { id: 'T', actor_needed: 'owner', blocks: 'production' },
      { id: 'E', actor_needed: 'operator', blocks: 'apply', evidence_required: true },
      { id: 'Y', actor_needed: 'owner or dba', blocks: 'apply', after: ['E'] },
    ], [
      grant('G1', 'owner', T1, ['T'], { target: 'QT001' }),
      grant('G2', 'operator', T1, ['E'], { evidence: 'empty' }),
      grant('G3', 'operator', T2, ['E'], { evidence: true, target: 'QT001' }),
      grant('G4', 'dba', T1, ['Y']),
      grant('G5', 'owner', T3, ['Y']),
    ], [req(T4), req(T4, 'apply', 'production', 'QT001'), req(T4, 'apply', 'production', 'QT002'), req(T2, 'apply', 'production', 'QT001')]);
    expect(await replay(w)).toEqual([]);
  });

  // Thirteen roles, none dominated by another, each closing two of eight any-of blockers (the
  // edges of a graph over them). Four roles (z1..z4, a perfect matching) close all eight.
  const EDGES: [string, number, number][] = [
    ['z1', 1, 2], ['z2', 3, 4], ['z3', 5, 6], ['z4', 7, 8],
    ['a13', 1, 3], ['a24', 2, 4], ['a35', 3, 5], ['a46', 4, 6], ['a57', 5, 7], ['a68', 6, 8], ['a71', 7, 1], ['a82', 8, 2], ['a15', 1, 5],
  ];
  const coverWorld = world(
    [1, 2, 3, 4, 5, 6, 7, 8].map((v) => ({ id: `V${v}`, actor_needed: EDGES.filter(([, a, b]) => a === v || b === v).map(([r]) => r).join(' or '), blocks: 'production' })),
    [], [req(T4)], { trust: [] },
  );
  it('the plan is the smallest set even with more than 12 candidate roles (SPEC 2.5)', async () => {
    expect(await replay(coverWorld)).toEqual([]);
  });
});
