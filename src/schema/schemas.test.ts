import { describe, expect, it } from 'vitest';
import { parseJson } from '../load/json.js';
import { validateBlockerMap, validateCatalog, validateHypotheticalEntry, validateLedgerEntry, validateTrust } from './schemas.js';

const doc = (text: string, lineOffset = 0) => parseJson(text, 'f.json', { code: 'map-parse', lineOffset });
const lines = (...l: string[]) => l.join('\n');

const SIG = `${'A'.repeat(86)}==`;
const grant = {
  seq: 1, id: 'G-1', type: 'grant', key: 'owner-1', role: 'owner', issued_at: '2026-11-20T10:00:00Z',
  action: 'apply', environment: 'production', resolves: ['B-1'], prev: '0'.repeat(64), sig: SIG,
};
const entry = (fields: Record<string, unknown>, drop: string[] = []) => {
  const e: Record<string, unknown> = { ...grant, ...fields };
  for (const d of drop) delete e[d];
  return doc(JSON.stringify(e), 6);
};

describe('blocker map schema', () => {
  it('accepts the seed shape, metadata and unknown blocker fields included', () => {
    expect(validateBlockerMap(doc(JSON.stringify({
      doc: 'x', production_work_performed: false, resolved_in_this_macro: [],
      blockers: [{ id: 'B', actor_needed: ['a'], blocks: ['x'], evidence_required: true, after: ['A'], whatever: { x: 1 } }],
    })), 'f.json')).toEqual([]);
  });

  it('names the line of the offending value, and the file', () => {
    const problems = validateBlockerMap(doc(lines('{', '  "blockers": [', '    {"id": "B-1",', '     "actor_needed": 5,', '     "blocks": "x"}', '  ]', '}')), 'f.json');
    expect(problems).toEqual([{ code: 'map-schema', file: 'f.json', line: 4, message: 'f.json line 4: /blockers/0/actor_needed: must be string or array' }]);
  });

  it('lists every problem, not only the first', () => {
    const problems = validateBlockerMap(doc(lines('{"blockers": [', '{"id": ""},', '{"id": "B", "actor_needed": "a", "blocks": "b", "after": [1]}', ']}')), 'f.json');
    expect(problems.map((p) => [p.line, p.message.replace(/^f\.json line \d+: /, '')])).toEqual([
      [2, '/blockers/0: missing required field "actor_needed"'],
      [2, '/blockers/0: missing required field "blocks"'],
      [2, '/blockers/0/id: must NOT have fewer than 1 characters'],
      [3, '/blockers/1/after/0: must be string'],
    ]);
  });
});

describe('ledger entry schema', () => {
  it('a complete grant and a complete revoke pass', () => {
    expect(validateLedgerEntry(entry({ target: 'QT001', expires_at: '2026-12-01T00:00:00+01:00', evidence: [{ uri: 'u', sha256: 'f'.repeat(64) }], note: '' }), 'g.jsonl')).toEqual([]);
    expect(validateLedgerEntry(entry({ type: 'revoke', revokes: 'G-0' }, ['action', 'environment', 'resolves']), 'g.jsonl')).toEqual([]);
  });

  it.each([
    ['a grant with revokes', { revokes: 'G-0' }, [], 'unknown field "revokes"'],
    ['a revoke with resolves', { type: 'revoke', revokes: 'G-0' }, ['action', 'environment'], 'unknown field "resolves"'],
    ['no resolves', {}, ['resolves'], 'missing required field "resolves"'],
    ['empty resolves', { resolves: [] }, [], '/resolves'],
    ['repeated resolves', { resolves: ['B', 'B'] }, [], '/resolves'],
    ['no sig', {}, ['sig'], 'missing required field "sig"'],
    ['an unpadded sig', { sig: 'A'.repeat(88) }, [], '/sig'],
    ['seq 0', { seq: 0 }, [], '/seq'],
    ['seq 1.5', { seq: 1.5 }, [], '/seq'],
    ['an upper-case prev', { prev: 'A'.repeat(64) }, [], '/prev'],
    ['evidence with an unknown field', { evidence: [{ uri: 'u', sha256: 'f'.repeat(64), size: 1 }] }, [], 'unknown field "size"'],
    ['an unknown type', { type: 'permit' }, [], '/type'],
  ])('%s is ledger-schema', (_, fields, drop, message) => {
    const problems = validateLedgerEntry(entry(fields, drop), 'g.jsonl');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.code === 'ledger-schema' && p.line === 7)).toBe(true);
    expect(problems.map((p) => p.message).join('\n')).toContain(message);
  });

  it.each([
    ['a ledger entry', validateLedgerEntry, []],
    ['a what-if entry', validateHypotheticalEntry, ['seq', 'key', 'prev', 'sig']],
  ] as const)('the expire_at typo (a misspelt expires_at) is an unknown field of %s, never an entry without expiry', (_, validate, drop) => {
    const problems = validate(entry({ expire_at: '2026-12-01T00:00:00Z' }, [...drop]), 'g.jsonl');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.code === 'ledger-schema' && p.line === 7)).toBe(true);
    expect(problems.map((p) => p.message).join('\n')).toContain('unknown field "expire_at"');
  });

  it.each([['issued_at'], ['expires_at']])('a bad %s is bad-time, on the entry\'s file line', (field) => {
    const problems = validateLedgerEntry(entry({ [field]: '2026-11-20T10:00:60Z' }), 'g.jsonl');
    expect(problems).toEqual([{ code: 'bad-time', file: 'g.jsonl', line: 7, message: `g.jsonl line 7: /${field}: not an RFC 3339 time with a time zone` }]);
  });

  it('a what-if entry has no envelope', () => {
    expect(validateHypotheticalEntry(entry({}, ['seq', 'key', 'prev', 'sig']), 'add.jsonl')).toEqual([]);
    expect(validateHypotheticalEntry(entry({}), 'add.jsonl').map((p) => p.message).join('\n')).toContain('unknown field "seq"');
  });
});

describe('trust and catalog schemas', () => {
  it('trust: keys need id, role and public_key, and nothing else', () => {
    expect(validateTrust(doc('{"keys": [{"id": "k", "role": "r", "public_key": "p"}]}'), 't.json')).toEqual([]);
    const problems = validateTrust(doc(lines('{"keys": [', '  {"id": "k", "role": "", "public_key": "p", "note": 1}', ']}')), 't.json');
    expect(problems.map((p) => [p.code, p.line])).toEqual([['trust-schema', 2], ['trust-schema', 2]]);
  });

  it('trust: a key may name its principal (SPEC 1.4), a non-empty printable string', () => {
    expect(validateTrust(doc('{"keys": [{"id": "k", "role": "r", "public_key": "p", "principal": "Alice"}]}'), 't.json')).toEqual([]);
    for (const principal of ['""', '1', '["Alice"]', '"a\\u0007b"']) {
      const problems = validateTrust(doc(`{"keys": [{"id": "k", "role": "r", "public_key": "p", "principal": ${principal}}]}`), 't.json');
      expect(problems.map((p) => [p.code, p.message.startsWith('t.json line 1: /keys/0/principal')])).toEqual([['trust-schema', true]]);
    }
  });

  it('catalog: names map to {tags: [strings]}', () => {
    expect(validateCatalog(doc('{"actions": {"a": {"tags": []}}, "environments": {}}'), 'c.json')).toEqual([]);
    const problems = validateCatalog(doc(lines('{"actions": {', '  "": {"tags": []},', '  "b": {"tags": [1]}', '}, "environments": {}, "extra": 1}')), 'c.json');
    expect(problems.every((p) => p.code === 'catalog-schema')).toBe(true);
    const messages = problems.map((p) => p.message);
    expect(messages).toContain('c.json line 1: the document: unknown field "extra"');
    expect(messages).toContain('c.json line 3: /actions/b/tags/0: must be string');
    // The empty action name is refused too (reported on the line of its object).
    expect(messages.filter((m) => m.startsWith('c.json line 1: /actions:')).length).toBeGreaterThan(0);
  });

  it.each([
    ['U+0000', '\u0000', '\\u0000'], ['a tab', '\t', '\\t'], ['a newline', '\n', '\\n'], ['DEL', '\u007f', '\\u007f'],
    ['a C1 control (U+0085)', '\u0085', '\\u0085'], ['U+009F', '\u009f', '\\u009f'],
  ])('catalog: a name with %s is refused, named in the message escaped (the memo once keyed on U+0000)', (_, control, escapedControl) => {
    const name = `a${control}b`;
    const escaped = `"a${escapedControl}b"`;
    for (const field of ['actions', 'environments']) {
      const other = field === 'actions' ? 'environments' : 'actions';
      const text = JSON.stringify({ [field]: { [name]: { tags: [] }, plain: { tags: [] } }, [other]: {} });
      const problems = validateCatalog(doc(text), 'c.json');
      expect(problems).toEqual([{
        code: 'catalog-schema', file: 'c.json', line: 1,
        message: `c.json line 1: /${field}: the name ${escaped} must not contain control characters`,
      }]);
    }
  });

  it('catalog: names with other Unicode (format characters, non-ASCII letters, emoji) are kept', () => {
    const text = JSON.stringify({ actions: { 'ré-déploiement': { tags: [] }, 'a\u200bb': { tags: [] }, '🚀': { tags: [] } }, environments: { 'prod ☁': { tags: [] } } });
    expect(validateCatalog(doc(text), 'c.json')).toEqual([]);
  });
});
