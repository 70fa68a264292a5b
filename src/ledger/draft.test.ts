import { describe, expect, it } from 'vitest';
import type { BlockgateError } from '../errors.js';
import { buildDraft, parseDraftText, readDraft } from './draft.js';

describe('drafts', () => {
  it('builds a grant from flags', () => {
    expect(buildDraft({
      type: 'grant', id: 'G-1', role: 'owner', action: 'apply', env: 'production', target: 'QT001',
      resolves: ['B-1, B-2', 'B-3'], expiresAt: '2026-12-01T00:00:00Z',
      evidence: ['https://ci.example/run?id=7=' + 'a'.repeat(64)], note: 'ok',
    })).toEqual({
      type: 'grant', id: 'G-1', role: 'owner', action: 'apply', environment: 'production', target: 'QT001',
      resolves: ['B-1', 'B-2', 'B-3'], expires_at: '2026-12-01T00:00:00Z',
      evidence: [{ uri: 'https://ci.example/run?id=7', sha256: 'a'.repeat(64) }], note: 'ok',
    });
  });

  it('builds a revoke from flags', () => {
    expect(buildDraft({ type: 'revoke', id: 'R-1', revokes: 'G-1' })).toEqual({ type: 'revoke', id: 'R-1', revokes: 'G-1' });
  });

  it.each([
    [{ id: 'G-1' }, /--type must be grant or revoke/],
    [{ type: 'revoke', id: 'R-1', revokes: 'G-1', action: 'apply' }, /--action is for grants/],
    [{ type: 'grant', id: 'G-1', revokes: 'G-0' }, /--revokes is for revokes/],
    [{ type: 'grant', id: 'G-1', evidence: 'no-digest' }, /--evidence "no-digest": expected URI=SHA256/],
  ])('refuses flag mistakes as usage: %j', (flags, message) => {
    try {
      buildDraft(flags);
      throw new Error('accepted');
    } catch (e) {
      expect((e as BlockgateError).code).toBe('usage');
      expect((e as Error).message).toMatch(message);
    }
  });

  it('reads a draft from standard input for "-", named (stdin)', () => {
    expect(readDraft('-', () => '{"id": "G-1"}')).toEqual({ id: 'G-1' });
    expect(() => readDraft('-', () => '{"id": 1,\n"id": 2}')).toThrow('(stdin) line 2');
    expect(() => readDraft('-')).toThrow("'-' means standard input, which is not available here");
  });

  it('reads a draft from JSON, which must be an object', () => {
    expect(parseDraftText('{"id": "G-1"}', 'd.json')).toEqual({ id: 'G-1' });
    expect(() => parseDraftText('[1]', 'd.json')).toThrow('d.json: an entry must be a JSON object');
    expect(() => parseDraftText('{"id": 1,\n"id": 2}', 'd.json')).toThrow('d.json line 2');
  });
});
