// What the world carries per grant for the rules' view (data.blockgate.view, SPEC 6): the
// evidence list, the signing key and its principal (SPEC 1.4).
import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG } from '../inputs/catalog.js';
import type { GrantFields } from '../schema/types.js';
import { buildWorld, type WorldEntry, type WorldSources } from './world.js';

const grant = (id: string, more: Partial<GrantFields> = {}): GrantFields => ({
  id, type: 'grant', role: 'owner', issued_at: '2026-11-20T10:00:00Z', action: 'apply', environment: 'production', resolves: ['B-1'], ...more,
});

function entry(fields: WorldEntry['fields'], line: number): WorldEntry {
  return { fields, auth: 'ok', line, where: `grants.jsonl line ${line}` };
}

function world(entries: WorldEntry[], more: Partial<WorldSources> = {}) {
  return buildWorld({
    blockers: { blockers: new Map(), resolved: new Map(), maps: [] }, catalog: DEFAULT_CATALOG, entries, verified: true, trustedRoles: null, ...more,
  });
}

describe('buildWorld: a grant as the rules see it', () => {
  const evidence = [{ uri: 'https://docs.example/a', sha256: 'a'.repeat(64) }, { uri: 'https://docs.example/b', sha256: 'b'.repeat(64) }];
  const entries = [
    entry({ ...grant('G-1', { evidence }), key: 'alice-owner' }, 1),
    entry({ ...grant('G-2'), key: 'bob-owner' }, 2),
    entry(grant('G-3'), 3),
  ];

  it('carries the evidence as written, [] when there is none', () => {
    const w = world(entries);
    expect(w.grants['G-1']!.evidence).toEqual(evidence);
    expect(w.grants['G-2']!.evidence).toEqual([]);
  });

  it('names the key and its principal from the trust file; a key it does not name is its own principal', () => {
    const w = world(entries, { principals: new Map([['alice-owner', 'Alice']]) });
    expect(w.grants['G-1']).toMatchObject({ key: 'alice-owner', principal: 'Alice' });
    expect(w.grants['G-2']).toMatchObject({ key: 'bob-owner', principal: 'bob-owner' });
  });

  it('without a trust file (--insecure-no-verify) the principal is the entry\'s key', () => {
    for (const principals of [null, undefined]) {
      const w = world(entries, principals === null ? { principals } : {});
      expect(w.grants['G-1']).toMatchObject({ key: 'alice-owner', principal: 'alice-owner' });
    }
  });

  it('a what-if entry has no key, so key and principal are null', () => {
    const w = world(entries, { principals: new Map([['alice-owner', 'Alice']]) });
    expect(w.grants['G-3']).toMatchObject({ key: null, principal: null });
  });
});
