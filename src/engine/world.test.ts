import { describe, expect, it } from 'vitest';
import { BlockgateError } from '../errors.js';
import { DEFAULT_CATALOG } from '../inputs/catalog.js';
import type { Blocker, BlockerSet } from '../inputs/maps.js';
import { parseActors, normaliseTags } from '../schema/normalise.js';
import type { EntryFields } from '../schema/types.js';
import { buildWorld, type WorldEntry, type WorldSources } from './world.js';

function blocker(id: string, actor: string, blocks: string, more: Partial<Blocker> = {}): Blocker {
  const { roles, mode, problem } = parseActors(actor);
  const b: Blocker = {
    id, item: null, evidence: null, next_action: null, actor_needed: actor, tags: normaliseTags(blocks), roles, mode,
    evidence_required: false, after: [], source: 'map.json', line: 3, where: 'map.json line 3', ...more,
  };
  if (problem) b.problem = problem;
  return b;
}

function set(blockers: Blocker[], resolved: Record<string, string> = {}): BlockerSet {
  return { blockers: new Map(blockers.map((b) => [b.id, b])), resolved: new Map(Object.entries(resolved)), maps: [{ file: 'map.json', metadata: {} }] };
}

let line = 0;
function entry(fields: EntryFields, auth: WorldEntry['auth'] = 'ok'): WorldEntry {
  line++;
  return { fields, auth, line, where: `grants.jsonl line ${line}` };
}

const grant = (id: string, more: Partial<Extract<EntryFields, { type: 'grant' }>> = {}): EntryFields => ({
  id, type: 'grant', role: 'owner', issued_at: '2026-11-20T10:00:00Z', action: 'apply', environment: 'production', resolves: ['B-1'], ...more,
});

function world(src: Partial<WorldSources>) {
  line = 0;
  return buildWorld({ blockers: set([]), catalog: DEFAULT_CATALOG, entries: [], verified: true, trustedRoles: null, ...src });
}

describe('buildWorld', () => {
  it('indexes blockers by id and by tag (resolved ones too: the policy decides what applies)', () => {
    const w = world({
      blockers: set([
        blocker('B-1', 'owner', 'production'),
        blocker('B-2', 'owner + operator', 'cutover/apply/production'),
        blocker('B-3', 'owner', 'apply'),
      ], { 'B-3': 'other.json' }),
    });
    expect(Object.keys(w.blockers)).toEqual(['B-1', 'B-2', 'B-3']);
    expect(w.blockers['B-2']).toMatchObject({ roles: ['operator', 'owner'], mode: 'all', tags: ['apply', 'cutover', 'production'] });
    expect(w.blockers_by_tag).toEqual({ production: ['B-1', 'B-2'], apply: ['B-2', 'B-3'], cutover: ['B-2'] });
    expect(w.resolved).toEqual({ 'B-3': 'other.json' });
    expect(w.catalog).toBe(DEFAULT_CATALOG);
  });

  it('turns every time into integer epoch milliseconds, offsets and fractions included', () => {
    const w = world({ entries: [entry(grant('G-1', { issued_at: '2026-11-20T12:00:00.5+02:00', expires_at: '2026-11-21T10:00:00Z' }))] });
    expect(w.grants['G-1']!.issued_at).toBe(Date.UTC(2026, 10, 20, 10, 0, 0, 500));
    expect(w.grants['G-1']!.expires_at).toBe(Date.UTC(2026, 10, 21, 10));
    expect(Number.isInteger(w.grants['G-1']!.issued_at)).toBe(true);
  });

  it('a grant as the policy sees it: normalised role, optional fields only when present, evidence as a flag', () => {
    const w = world({
      entries: [
        entry(grant('G-1', { role: '  Release   Manager ', target: 'QT001', evidence: [{ uri: 'u', sha256: 'a'.repeat(64) }], note: 'n' })),
        entry(grant('G-2', { evidence: [] }), 'role-mismatch'),
        entry(grant('G-3', { resolves: ['B-1', 'B-2'] }), 'unknown-key'),
      ],
    });
    expect(w.grants['G-1']).toEqual({
      id: 'G-1', role: 'release manager', action: 'apply', environment: 'production', target: 'QT001', resolves: ['B-1'],
      issued_at: Date.UTC(2026, 10, 20, 10), has_evidence: true, auth: 'ok', where: 'grants.jsonl line 1', line: 1,
      evidence: [{ uri: 'u', sha256: 'a'.repeat(64) }], key: null, principal: null,
    });
    expect(w.grants['G-2']).toMatchObject({ has_evidence: false, auth: 'role-mismatch', line: 2 });
    expect('target' in w.grants['G-2']!).toBe(false);
    expect('expires_at' in w.grants['G-2']!).toBe(false);
    expect(w.grants['G-3']!.auth).toBe('unknown-key');
  });

  it('indexes grants by the blockers they resolve, in ledger order, once per grant', () => {
    const w = world({
      entries: [
        entry(grant('G-2', { resolves: ['B-1', 'B-2'] })),
        entry(grant('G-1', { resolves: ['B-2', 'B-2'] })),
        entry(grant('G-3', { resolves: ['B-GHOST'] })),
      ],
    });
    expect(w.grants_by_blocker).toEqual({ 'B-1': ['G-2'], 'B-2': ['G-2', 'G-1'], 'B-GHOST': ['G-3'] });
  });

  it('indexes revokes by the grant they revoke, with their role normalised and their own authenticity', () => {
    const w = world({
      entries: [
        entry(grant('G-1')),
        entry({ id: 'R-1', type: 'revoke', role: 'Owner', issued_at: '2026-11-21T12:00:00+01:00', revokes: 'G-1' }),
        entry({ id: 'R-2', type: 'revoke', role: 'operator', issued_at: '2026-11-22T00:00:00Z', revokes: 'G-1', note: 'x' }, 'role-mismatch'),
      ],
    });
    expect(w.revokes_by_grant).toEqual({
      'G-1': [
        { id: 'R-1', role: 'owner', revokes: 'G-1', issued_at: Date.UTC(2026, 10, 21, 11), auth: 'ok', where: 'grants.jsonl line 2', line: 2 },
        { id: 'R-2', role: 'operator', revokes: 'G-1', issued_at: Date.UTC(2026, 10, 22), auth: 'role-mismatch', where: 'grants.jsonl line 3', line: 3 },
      ],
    });
    expect(w.grants['R-1']).toBeUndefined();
  });

  it('indexes what-if revokes by their grant: the instant and where they were asked for, nothing of their meaning', () => {
    const at = Date.UTC(2026, 10, 21, 9);
    const w = world({
      entries: [entry(grant('G-1')), entry(grant('G-2'), 'unknown-key')],
      hypotheticalRevokes: [
        { grantId: 'G-2', at, where: '--revoke "G-2"' },
        { grantId: 'G-1', at: at + 1, where: '--revoke "G-1"' },
        { grantId: 'G-1', at, where: '--revoke "G-1"' },
      ],
    });
    expect(w.hypothetical_revokes).toEqual({
      'G-2': [{ issued_at: at, where: '--revoke "G-2"' }],
      'G-1': [{ issued_at: at + 1, where: '--revoke "G-1"' }, { issued_at: at, where: '--revoke "G-1"' }],
    });
    // No role and no revoke entry: SPEC 2.1's "by the grant's own role" is the policy's to apply.
    expect(w.revokes_by_grant).toEqual({});
    expect(world({ entries: [entry(grant('G-1'))] }).hypothetical_revokes).toEqual({});
  });

  it('a what-if revoke naming no grant is refused (ledger-dangling-revoke), never left to change nothing', () => {
    const build = () => world({
      entries: [entry(grant('G-1')), entry({ id: 'R-1', type: 'revoke', role: 'owner', issued_at: '2026-11-21T00:00:00Z', revokes: 'G-1' })],
      hypotheticalRevokes: [{ grantId: 'R-1', at: 0, where: '--revoke "R-1"' }],
    });
    expect(build).toThrow(BlockgateError);
    expect(build).toThrow('--revoke "R-1": no grant with this id in the ledger or the --add file');
    try { build(); } catch (e) { expect((e as BlockgateError).code).toBe('ledger-dangling-revoke'); }
  });

  it('a what-if revoke at no instant is refused (internal), never decided on', () => {
    for (const at of [Number.NaN, 1.5, 253_402_300_800_000]) {
      const build = () => world({ entries: [entry(grant('G-1'))], hypotheticalRevokes: [{ grantId: 'G-1', at, where: '--revoke "G-1"' }] });
      expect(build).toThrow(`--revoke "G-1": ${String(at)} is not an instant in epoch milliseconds`);
      try { build(); } catch (e) { expect((e as BlockgateError).code).toBe('internal'); }
    }
  });

  it('puts grant ids into equal sort blocks in UTF-8 byte order (Rego\'s string order)', () => {
    const ids = Array.from({ length: 100 }, (_, i) => `G-${i}`);
    // U+FF5E sorts before U+1F600 in UTF-8, after it in UTF-16.
    ids.push('G-\u{1F600}', 'G-\uFF5E');
    const w = world({ entries: [...ids].reverse().map((id) => entry(grant(id))) });
    const byteOrder = [...ids].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(byteOrder.indexOf('G-\uFF5E')).toBeLessThan(byteOrder.indexOf('G-\u{1F600}'));
    expect(Object.keys(w.grant_sort_block).sort()).toEqual([...ids].sort());
    const blocks = byteOrder.map((id) => w.grant_sort_block[id]!);
    expect(blocks[0]).toBe(0);
    blocks.forEach((b, i) => expect([blocks[i - 1] ?? 0, (blocks[i - 1] ?? 0) + 1]).toContain(b));
    const sizes: number[] = [];
    for (const b of blocks) sizes[b] = (sizes[b] ?? 0) + 1;
    expect(sizes.length).toBeGreaterThan(1);
    expect(new Set(sizes.slice(0, -1)).size).toBe(1);
    expect(sizes.at(-1)!).toBeLessThanOrEqual(sizes[0]!);
    expect(world({}).grant_sort_block).toEqual({});
  });

  it('carries whether the ledger was verified', () => {
    expect(world({ verified: true }).ledger).toEqual({ verified: true });
    expect(world({ verified: false }).ledger).toEqual({ verified: false });
  });

  it('trusted roles: null without a trust file, else normalised, distinct and sorted', () => {
    expect(world({ trustedRoles: null }).trusted_roles).toBeNull();
    expect(world({ trustedRoles: [] }).trusted_roles).toEqual([]);
    expect(world({ trustedRoles: ['Owner', 'operator', 'owner', ' Release  Manager'] }).trusted_roles).toEqual(['operator', 'owner', 'release manager']);
  });

  it('ids such as __proto__ stay data in every index', () => {
    const w = world({
      blockers: set([blocker('__proto__', 'owner', 'constructor')], Object.fromEntries([['__proto__', 'map.json']])),
      entries: [entry(grant('__proto__', { resolves: ['__proto__'] })), entry({ id: 'R', type: 'revoke', role: 'owner', issued_at: '2026-11-21T00:00:00Z', revokes: '__proto__' })],
      hypotheticalRevokes: [{ grantId: '__proto__', at: 0, where: '--revoke "__proto__"' }],
    });
    for (const index of [w.blockers, w.blockers_by_tag, w.resolved, w.grants, w.grants_by_blocker, w.grant_sort_block, w.revokes_by_grant, w.hypothetical_revokes]) {
      expect(Object.getPrototypeOf(index)).toBe(Object.prototype);
    }
    expect(Object.keys(w.blockers)).toEqual(['__proto__']);
    expect(Object.keys(w.resolved)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(w.grants, '__proto__')?.value.id).toBe('__proto__');
    expect(Object.getOwnPropertyDescriptor(w.grants_by_blocker, '__proto__')?.value).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(w.hypothetical_revokes, '__proto__')?.value).toEqual([{ issued_at: 0, where: '--revoke "__proto__"' }]);
    expect(Object.getOwnPropertyDescriptor(w.blockers_by_tag, 'constructor')?.value).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).id).toBeUndefined();
    // It crosses into WASM as JSON: the keys must survive a round trip.
    expect(Object.keys(JSON.parse(JSON.stringify(w.grants)))).toEqual(['__proto__']);
  });

  it('is plain JSON: a round trip changes nothing (no undefined, no Map, no Date)', () => {
    const w = world({
      blockers: set([blocker('B-1', 'owner or operator', 'apply', { after: ['B-0'], evidence_required: true, item: 'i' }), blocker('B-0', '(tbd)', 'apply')]),
      entries: [entry(grant('G-1', { target: 'T', expires_at: '2027-01-01T00:00:00Z' })), entry({ id: 'R', type: 'revoke', role: 'owner', issued_at: '2026-11-21T00:00:00Z', revokes: 'G-1' })],
      trustedRoles: ['owner'],
      hypotheticalRevokes: [{ grantId: 'G-1', at: Date.UTC(2026, 10, 22), where: '--revoke "G-1"' }],
    });
    expect(JSON.parse(JSON.stringify(w))).toEqual(w);
    expect(w.blockers['B-0']!.problem).toBe('no-role');
  });

  it('an entry whose signature failed is refused, never passed on as ignored (SPEC 1.4: no bad-signature)', () => {
    // An ignored revoke would bring its grant back: the ledger reader must have rejected it.
    for (const type of ['grant', 'revoke'] as const) {
      const fields: EntryFields = type === 'grant' ? grant('G-1')
        : { id: 'R-1', type: 'revoke', role: 'owner', issued_at: '2026-11-21T00:00:00Z', revokes: 'G-1' };
      const build = () => world({ entries: [entry(fields, 'bad-signature')] });
      expect(build).toThrow(BlockgateError);
      expect(build).toThrow(/grants\.jsonl line 1: entry [GR]-1 has authenticity "bad-signature", which is no ignore reason/);
      try { build(); } catch (e) { expect((e as BlockgateError).code).toBe('internal'); }
    }
  });

  it('roles are put in NFKC form on both sides: grants, revokes and trusted keys (SPEC 1.2)', () => {
    const w = world({
      entries: [
        entry(grant('G-1', { role: 'ＲＥＬＥＡＳＥ\u3000Ｍａｎａｇｅｒ' })),
        entry({ id: 'R-1', type: 'revoke', role: 'Ｏｗｎｅｒ', issued_at: '2026-11-21T00:00:00Z', revokes: 'G-1' }),
      ],
      trustedRoles: ['ｏｗｎｅｒ', 'owner', 'Release Manager'],
    });
    expect(w.grants['G-1']!.role).toBe('release manager');
    expect(w.revokes_by_grant['G-1']![0]!.role).toBe('owner');
    expect(w.trusted_roles).toEqual(['owner', 'release manager']);
  });

  it('a time that slipped past the schemas is refused (bad-time), never decided on', () => {
    const err = (() => {
      try {
        world({ entries: [entry(grant('G-1', { expires_at: 'soon' }))] });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(BlockgateError);
    expect((err as BlockgateError).code).toBe('bad-time');
    expect((err as BlockgateError).message).toContain('grants.jsonl line 1');
  });
});
