import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlockgateError, type ErrorCode } from '../errors.js';
import type { EntryFields, GrantFields } from '../schema/types.js';
import { canonicalJson, sha256Hex } from '../schema/canonical.js';
import { generateKeyPair, loadPrivateKey, parseTrustText, signEntry } from './keys.js';
import {
  GENESIS_PREV, parseHypotheticalText, parseLedgerText, parseLedgerTextFrom, parseLedgerTextFromOnPool, POOL_MIN_LINES, readLedger, type Ledger,
} from './ledger.js';
import { appendEntry } from './append.js';
import { rejection as refusal, thrown } from '../../test/support/thrown.js';

const FILE = 'grants.jsonl';

const pairs = { 'owner-1': generateKeyPair(), 'operator-1': generateKeyPair(), intruder: generateKeyPair() };
const signers = Object.fromEntries(Object.entries(pairs).map(([id, p]) => [id, loadPrivateKey(p.privateKeyPem, id)]));
const trust = parseTrustText(JSON.stringify({
  keys: [
    { id: 'owner-1', role: 'owner', public_key: pairs['owner-1'].publicKeyPem },
    { id: 'operator-1', role: 'Operator', public_key: pairs['operator-1'].publicKeyPem },
  ],
}), 'trust.json');

type Draft = EntryFields & { key: string; seq?: number; prev?: string };
type Line = Record<string, unknown>;

/** Signs and chains drafts in order; `seq`/`prev` given in a draft are kept (to build broken ledgers). */
function chain(drafts: Draft[], signWith: Record<number, string> = {}): Line[] {
  const out: Line[] = [];
  drafts.forEach((draft, i) => {
    const before = out[i - 1];
    const unsigned = {
      ...draft,
      seq: draft.seq ?? i + 1,
      prev: draft.prev ?? (before ? sha256Hex(canonicalJson(before)) : GENESIS_PREV),
    };
    out.push({ ...unsigned, sig: signEntry(unsigned, signers[signWith[i] ?? draft.key]!) });
  });
  return out;
}

const jsonl = (lines: (Line | string)[]) => lines.map((l) => `${typeof l === 'string' ? l : JSON.stringify(l)}\n`).join('');

const DRAFTS: Draft[] = [
  {
    id: 'G-1', type: 'grant', key: 'owner-1', role: 'owner', issued_at: '2026-11-20T10:00:00Z',
    action: 'apply', environment: 'production', target: 'QT001', resolves: ['B-1'],
    expires_at: '2026-12-20T10:00:00+01:00', evidence: [{ uri: 'https://ci.example/run/1', sha256: 'a'.repeat(64) }],
    note: 'first',
  },
  {
    id: 'G-2', type: 'grant', key: 'operator-1', role: 'operator', issued_at: '2026-11-21T10:00:00Z',
    action: 'apply', environment: 'production', resolves: ['B-1', 'B-2'],
  },
  { id: 'R-1', type: 'revoke', key: 'owner-1', role: 'owner', issued_at: '2026-11-22T10:00:00Z', revokes: 'G-1', note: 'oops' },
  {
    id: 'G-3', type: 'grant', key: 'owner-1', role: 'owner', issued_at: '2026-11-23T10:00:00.250Z',
    action: 'cutover', environment: 'production', target: 'QT002', resolves: ['B-3'],
    expires_at: '2026-12-23T10:00:00Z', evidence: [{ uri: 'file:///evidence.txt', sha256: 'b'.repeat(64) }], note: 'last',
  },
];
const VALID = chain(DRAFTS);

function read(text: string, verify = true): Ledger {
  return parseLedgerText(text, FILE, trust, { verify });
}

function rejection(text: string): BlockgateError {
  try {
    read(text);
  } catch (e) {
    if (e instanceof BlockgateError) return e;
    throw e;
  }
  throw new Error('the ledger was accepted, but should have been rejected');
}

/** Asserts a problem with this code on this line, whose message names the file and the line. */
function expectProblem(err: BlockgateError, code: ErrorCode, line: number, message?: RegExp): void {
  const found = err.problems.filter((p) => p.code === code && p.line === line);
  expect(found, `a ${code} problem on line ${line} among ${JSON.stringify(err.problems, null, 1)}`).not.toHaveLength(0);
  for (const p of found) {
    expect(p.file).toBe(FILE);
    expect(p.message.startsWith(`${FILE} line ${line}: `)).toBe(true);
  }
  if (message) expect(found.map((p) => p.message).join('\n')).toMatch(message);
}

const authOf = (ledger: Ledger) => ledger.entries.map((e) => e.auth);

describe('a valid ledger', () => {
  it('verifies, with lines, chained hashes and a head', () => {
    const ledger = read(jsonl(VALID));
    expect(ledger.file).toBe(FILE);
    expect(ledger.verified).toBe(true);
    expect(authOf(ledger)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(ledger.entries.map((e) => e.line)).toEqual([1, 2, 3, 4]);
    expect(ledger.entries.map((e) => e.entry.id)).toEqual(['G-1', 'G-2', 'R-1', 'G-3']);
    ledger.entries.forEach((e, i) => {
      expect(e.hash).toBe(sha256Hex(canonicalJson(VALID[i])));
      if (i > 0) expect(e.entry.prev).toBe(ledger.entries[i - 1]!.hash);
    });
    expect(ledger.head).toEqual({ seq: 4, hash: sha256Hex(canonicalJson(VALID[3])) });
  });

  it('does not depend on how a line is spelled, only on its canonical form', () => {
    const spaced = VALID.map((l) => JSON.stringify(Object.fromEntries(Object.entries(l).reverse()), null, 0).replace(/,/g, ', '));
    expect(authOf(read(jsonl(spaced)))).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('is empty for an empty file', () => {
    expect(read('')).toEqual({ file: FILE, entries: [], head: null, verified: true });
  });

  it('marks every entry ok without verification, and unknown-key with verification but no trust', () => {
    const text = jsonl(chain(DRAFTS, { 1: 'intruder' }));
    const unverified = read(text, false);
    expect(unverified.verified).toBe(false);
    expect(authOf(unverified)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(authOf(parseLedgerText(text, FILE, null, { verify: true }))).toEqual(['unknown-key', 'unknown-key', 'unknown-key', 'unknown-key']);
  });

  it('reads from a file, naming it in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'blockgate-ledger-'));
    const path = join(dir, 'grants.jsonl');
    writeFileSync(path, jsonl(VALID));
    expect(readLedger(path, trust, { verify: true }).entries).toHaveLength(4);
    writeFileSync(path, `${jsonl(VALID)}\n`);
    expect(() => readLedger(path, trust, { verify: true })).toThrow(`${path} line 5: blank line`);
    const missing = (() => { try { readLedger(join(dir, 'none.jsonl'), trust, { verify: true }); } catch (e) { return e; } })();
    expect(missing).toBeInstanceOf(BlockgateError);
    expect((missing as BlockgateError).code).toBe('ledger-schema');
  });
});

/** SPEC 1.4: a signature that fails under a trusted key rejects the whole ledger, naming the line. */
function signatureRejection(text: string, line: number): void {
  const e = rejection(text);
  expect(e.code).toBe('ledger-signature');
  expect(e.message).toContain(`${FILE} line ${line}:`);
  expect(e.message).toMatch(/does not verify/);
}

describe('authenticity marks single entries; a failed signature rejects the ledger', () => {
  it('a signature by another key is ledger-signature (never an ignored entry that lets a grant count again)', () => {
    signatureRejection(jsonl(chain(DRAFTS, { 1: 'intruder' })), 2);
    signatureRejection(jsonl(chain(DRAFTS, { 1: 'owner-1' })), 2);
  });

  it('without verification, a bad signature is not looked at', () => {
    expect(authOf(read(jsonl(chain(DRAFTS, { 1: 'intruder' })), false))).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('a key not in the trust file is unknown-key', () => {
    const drafts = DRAFTS.map((d, i) => (i === 2 ? { ...d, key: 'intruder' } : d));
    expect(authOf(read(jsonl(chain(drafts))))).toEqual(['ok', 'ok', 'unknown-key', 'ok']);
  });

  it('a role other than the key\'s is role-mismatch; roles compare normalised', () => {
    const drafts = DRAFTS.map((d, i) => (i === 1 ? { ...d, role: 'owner' } : i === 3 ? { ...d, role: '  OWNER ' } : d));
    expect(authOf(read(jsonl(chain(drafts))))).toEqual(['ok', 'role-mismatch', 'ok', 'ok']);
  });

  it('an unknown key is unknown-key whatever its signature; a role mismatch with a bad signature rejects', () => {
    const drafts = DRAFTS.map((d, i) => (i === 1 ? { ...d, role: 'owner' } : d));
    signatureRejection(jsonl(chain(drafts, { 1: 'intruder' })), 2);
    const unknown = DRAFTS.map((d, i) => (i === 1 ? { ...d, key: 'intruder', role: 'owner' } : d));
    expect(authOf(read(jsonl(chain(unknown))))[1]).toBe('unknown-key');
  });

  const lastEdits: [string, unknown][] = [
    ['id', 'G-9'], ['role', 'operator'], ['issued_at', '2026-11-23T10:00:00.251Z'], ['action', 'apply'],
    ['environment', 'staging'], ['target', 'QT001'], ['resolves', ['B-3', 'B-4']], ['expires_at', '2027-12-23T10:00:00Z'],
    ['evidence', [{ uri: 'file:///evidence.txt', sha256: 'c'.repeat(64) }]], ['note', 'LAST'], ['key', 'operator-1'],
    ['sig', signEntry({ x: 1 }, signers['owner-1']!)],
  ];
  it.each(lastEdits)('an edited %s on the last line (%j) rejects the ledger (ledger-signature)', (field, value) => {
    signatureRejection(jsonl(VALID.map((l, i) => (i === 3 ? { ...l, [field]: value } : l))), 4);
  });

  it('an edited key naming no trusted key makes the last line unknown-key', () => {
    const lines = VALID.map((l, i) => (i === 3 ? { ...l, key: 'nobody' } : l));
    expect(authOf(read(jsonl(lines)))).toEqual(['ok', 'ok', 'ok', 'unknown-key']);
  });

  it('an added or a removed field on the last line rejects the ledger', () => {
    const { note: _note, ...withoutNote } = VALID[3]!;
    signatureRejection(jsonl([...VALID.slice(0, 3), withoutNote]), 4);
    const { target: _target, ...withoutTarget } = VALID[3]!;
    signatureRejection(jsonl([...VALID.slice(0, 3), withoutTarget]), 4);
  });
});

describe('the chain rejects the whole ledger', () => {
  const firstLineEdits: [string, unknown][] = [
    ['id', 'G-9'], ['key', 'operator-1'], ['role', 'operator'], ['issued_at', '2026-11-20T10:00:01Z'],
    ['action', 'cutover'], ['environment', 'staging'], ['target', 'QT009'], ['resolves', ['B-1', 'B-9']],
    ['expires_at', '2026-12-20T10:00:00Z'], ['evidence', []], ['note', 'First'],
    ['sig', signEntry({ x: 1 }, signers['owner-1']!)],
  ];
  it.each(firstLineEdits)('an edited %s on line 1 breaks the link from line 2', (field, value) => {
    const lines = VALID.map((l, i) => (i === 0 ? { ...l, [field]: value } : l));
    const err = rejection(jsonl(lines));
    expectProblem(err, 'ledger-chain', 2, /^grants\.jsonl line 2: prev does not match the hash of line 1 \(expected [0-9a-f]{64}, got [0-9a-f]{64}\)$/m);
  });

  it('an edited revokes on a middle line breaks the next link', () => {
    const lines = VALID.map((l, i) => (i === 2 ? { ...l, revokes: 'G-2' } : l));
    expectProblem(rejection(jsonl(lines)), 'ledger-chain', 4);
  });

  it('a removed field on a middle line breaks the next link', () => {
    const { note: _note, ...withoutNote } = VALID[2]!;
    expectProblem(rejection(jsonl([VALID[0]!, VALID[1]!, withoutNote, VALID[3]!])), 'ledger-chain', 4);
  });

  it('an edited seq is ledger-sequence (and breaks the next link)', () => {
    const err = rejection(jsonl(VALID.map((l, i) => (i === 1 ? { ...l, seq: 7 } : l))));
    expectProblem(err, 'ledger-sequence', 2, /line 2: seq is 7, expected 2 \(one more than seq 1 on line 1\)/);
    expectProblem(err, 'ledger-chain', 3);
  });

  it('an edited prev is ledger-chain on that line', () => {
    const err = rejection(jsonl(VALID.map((l, i) => (i === 2 ? { ...l, prev: 'f'.repeat(64) } : l))));
    expectProblem(err, 'ledger-chain', 3, new RegExp(`prev does not match the hash of line 2 \\(expected ${sha256Hex(canonicalJson(VALID[1]))}, got f{64}\\)`));
    expectProblem(err, 'ledger-chain', 4);
  });

  it('a first line whose prev is not 64 zeros is ledger-chain', () => {
    const lines = chain(DRAFTS.map((d, i) => (i === 0 ? { ...d, prev: '1'.repeat(64) } : d)));
    const err = rejection(jsonl(lines));
    expect(err.problems).toHaveLength(1);
    expectProblem(err, 'ledger-chain', 1, /prev must be 64 zeros on the first entry/);
  });

  it('a deleted middle line is a sequence gap and a broken link', () => {
    const err = rejection(jsonl([VALID[0]!, VALID[2]!, VALID[3]!]));
    expectProblem(err, 'ledger-sequence', 2, /seq is 3, expected 2/);
    expectProblem(err, 'ledger-chain', 2);
    expect(err.problems).toHaveLength(2);
  });

  it('a deleted first line leaves a first entry with seq 2 and a non-zero prev', () => {
    const err = rejection(jsonl(VALID.slice(1)));
    expectProblem(err, 'ledger-sequence', 1, /seq is 2, but the first entry must have seq 1/);
    expectProblem(err, 'ledger-chain', 1, /64 zeros/);
  });

  it('a deleted last line is not detectable from the file alone (the head moves back)', () => {
    expect(read(jsonl(VALID.slice(0, 3))).head?.seq).toBe(3);
  });

  it('reordered lines break the sequence and the chain', () => {
    const err = rejection(jsonl([VALID[0]!, VALID[2]!, VALID[1]!, VALID[3]!]));
    for (const line of [2, 3, 4]) {
      expectProblem(err, 'ledger-sequence', line);
      expectProblem(err, 'ledger-chain', line);
    }
  });

  it('a duplicated line is one place of trouble: sequence, chain and id on that line only', () => {
    const err = rejection(jsonl([VALID[0]!, VALID[1]!, VALID[1]!, VALID[2]!, VALID[3]!]));
    expect(err.problems.map((p) => [p.code, p.line])).toEqual([
      ['ledger-sequence', 3], ['ledger-chain', 3], ['ledger-duplicate-id', 3],
    ]);
    expectProblem(err, 'ledger-duplicate-id', 3, /id "G-2" is already used on line 2/);
  });

  it('a seq gap is reported once, and the count continues from the actual line', () => {
    const lines = chain(DRAFTS.map((d, i) => ({ ...d, seq: [1, 2, 4, 5][i]! })));
    const err = rejection(jsonl(lines));
    expect(err.problems.map((p) => [p.code, p.line])).toEqual([['ledger-sequence', 3]]);
    expectProblem(err, 'ledger-sequence', 3, /seq is 4, expected 3/);
  });

  it('a reused id is ledger-duplicate-id', () => {
    const err = rejection(jsonl(chain(DRAFTS.map((d, i) => (i === 3 ? { ...d, id: 'G-2' } : d)))));
    expect(err.code).toBe('ledger-duplicate-id');
    expectProblem(err, 'ledger-duplicate-id', 4, /id "G-2" is already used on line 2/);
  });
});

describe('dangling revokes reject the whole ledger', () => {
  const revoking = (target: string, at = 2) => chain(DRAFTS.map((d, i) => (i === at ? { ...d, revokes: target } as Draft : d)));

  it('naming no entry at all', () => {
    const err = rejection(jsonl(revoking('G-404')));
    expect(err.code).toBe('ledger-dangling-revoke');
    expectProblem(err, 'ledger-dangling-revoke', 3, /revokes "G-404", which no line grants/);
  });

  it('naming a grant on a later line', () => {
    const drafts = [DRAFTS[0]!, DRAFTS[1]!, { ...DRAFTS[2]!, revokes: 'G-3' } as Draft, DRAFTS[3]!];
    expectProblem(rejection(jsonl(chain(drafts))), 'ledger-dangling-revoke', 3, /revokes "G-3", which is first on line 4, not earlier/);
  });

  it('naming a revoke', () => {
    const drafts = [...DRAFTS, { id: 'R-2', type: 'revoke', key: 'owner-1', role: 'owner', issued_at: '2026-11-24T10:00:00Z', revokes: 'R-1' } as Draft];
    expectProblem(rejection(jsonl(chain(drafts))), 'ledger-dangling-revoke', 5, /revokes "R-1", which is not a grant \(line 3 is a revoke\)/);
  });

  it('naming itself', () => {
    expectProblem(rejection(jsonl(revoking('R-1'))), 'ledger-dangling-revoke', 3);
  });
});

describe('line format and schema reject the whole ledger', () => {
  const text = jsonl(VALID);

  it('a blank line, alone', () => {
    const lines = text.split('\n');
    const err = rejection([...lines.slice(0, 2), '', ...lines.slice(2)].join('\n'));
    expect(err.problems).toHaveLength(1);
    expectProblem(err, 'ledger-schema', 3, /blank line/);
  });

  it('a line of white space is blank too', () => {
    expectProblem(rejection(`${text}  \n`), 'ledger-schema', 5, /blank line/);
  });

  it('CR LF line ends, on every such line', () => {
    const err = rejection(text.replace(/\n/g, '\r\n'));
    expect(err.problems.map((p) => p.line)).toEqual([1, 2, 3, 4]);
    expectProblem(err, 'ledger-schema', 1, /ends with CR LF/);
  });

  it('a missing final newline', () => {
    const err = rejection(text.slice(0, -1));
    expect(err.problems).toHaveLength(1);
    expectProblem(err, 'ledger-schema', 4, /no final newline/);
  });

  it('invalid JSON, without knock-on problems on the next line', () => {
    const lines = text.split('\n');
    lines[1] = lines[1]!.slice(0, 40);
    const err = rejection(lines.join('\n'));
    expect(err.problems).toHaveLength(1);
    expectProblem(err, 'ledger-schema', 2);
  });

  it('a duplicate key inside a line', () => {
    const lines = text.split('\n');
    lines[2] = lines[2]!.replace('{', '{"note":"x",');
    expectProblem(rejection(lines.join('\n')), 'ledger-schema', 3, /duplicate key "note"/);
  });

  it.each([['[1,2]', 'an array'], ['"grant"', 'a string'], ['null', 'null'], ['42', 'a number']])('a line that is %s', (line, found) => {
    const lines = text.split('\n');
    lines[1] = line;
    expectProblem(rejection(lines.join('\n')), 'ledger-schema', 2, new RegExp(`is not a JSON object \\(found ${found}\\)`));
  });

  it('a missing field, or a field of the other entry type', () => {
    const { resolves: _r, ...noResolves } = DRAFTS[1] as GrantFields & { key: string };
    expectProblem(rejection(jsonl(chain([DRAFTS[0]!, noResolves as Draft]))), 'ledger-schema', 2, /missing required field "resolves"/);
    const revokeWithAction = { ...DRAFTS[2]!, action: 'apply' } as Draft;
    expectProblem(rejection(jsonl(chain([DRAFTS[0]!, DRAFTS[1]!, revokeWithAction]))), 'ledger-schema', 3, /unknown field "action"/);
  });

  it('a sig that is not 88 characters of base64', () => {
    const lines = VALID.map((l, i) => (i === 3 ? { ...l, sig: 'c2ln' } : l));
    expectProblem(rejection(jsonl(lines)), 'ledger-schema', 4);
  });

  it.each([['issued_at', '2026-02-30T10:00:00Z'], ['issued_at', '2026-11-20 10:00:00Z'], ['expires_at', '2026-11-20T10:00:00']])(
    'a bad %s (%s) is bad-time', (field, value) => {
      const drafts = DRAFTS.map((d, i) => (i === 0 ? { ...d, [field]: value } : d));
      const err = rejection(jsonl(chain(drafts)));
      expect(err.code).toBe('bad-time');
      expectProblem(err, 'bad-time', 1);
    },
  );

  it('a string with a lone surrogate has no canonical form', () => {
    const lines = text.split('\n');
    lines[3] = lines[3]!.replace('"note":"last"', '"note":"\\ud800"');
    expectProblem(rejection(lines.join('\n')), 'ledger-schema', 4, /no canonical JSON form/);
  });

  it('every problem is listed, in line order, and the first is the error', () => {
    const drafts = DRAFTS.map((d, i) => (i === 2 ? { ...d, issued_at: 'yesterday' } : i === 3 ? { ...d, id: 'G-1' } : d));
    const lines = jsonl(chain(drafts)).split('\n');
    const err = rejection([lines[0], '', ...lines.slice(1)].join('\n'));
    expect(err.problems.map((p) => [p.code, p.line])).toEqual([
      ['ledger-schema', 2], ['bad-time', 4], ['ledger-duplicate-id', 5],
    ]);
    expect(err.code).toBe('ledger-schema');
    expect(err.line).toBe(2);
  });
});

describe('hypothetical what-if entries', () => {
  const ledger = read(jsonl(VALID));
  const ADD = 'add.jsonl';
  const hypotheticalRejection = (text: string): BlockgateError => {
    try {
      parseHypotheticalText(text, ADD, ledger);
    } catch (e) {
      if (e instanceof BlockgateError) return e;
      throw e;
    }
    throw new Error('accepted, but should have been rejected');
  };
  const grant = { id: 'H-1', type: 'grant', role: 'owner', issued_at: '2026-11-25T10:00:00Z', action: 'apply', environment: 'production', resolves: ['B-1'] };
  const revoke = { id: 'H-2', type: 'revoke', role: 'operator', issued_at: '2026-11-25T11:00:00Z', revokes: 'G-2' };

  it('reads entries with their lines; revokes may name ledger grants or earlier lines', () => {
    const entries = parseHypotheticalText(jsonl([grant, revoke, { ...revoke, id: 'H-3', revokes: 'H-1' }]), ADD, ledger);
    expect(entries.map((e) => [e.entry.id, e.line])).toEqual([['H-1', 1], ['H-2', 2], ['H-3', 3]]);
    expect(parseHypotheticalText('', ADD, ledger)).toEqual([]);
  });

  it('refuses envelope fields and a missing role', () => {
    const err = hypotheticalRejection(jsonl([{ ...grant, seq: 5 }, { ...revoke, sig: 'x' }]));
    expect(err.code).toBe('ledger-schema');
    expect(err.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^add\.jsonl line 1: .*unknown field "seq"/),
      expect.stringMatching(/^add\.jsonl line 2: .*unknown field "sig"/),
    ]);
    const { role: _role, ...noRole } = grant;
    expect(hypotheticalRejection(jsonl([noRole])).message).toMatch(/^add\.jsonl line 1: .*missing required field "role"/);
  });

  it('refuses ids used in the ledger or earlier in the file', () => {
    const err = hypotheticalRejection(jsonl([{ ...grant, id: 'G-2' }, grant, { ...revoke, id: 'H-1' }]));
    expect(err.problems.map((p) => [p.code, p.line, p.message])).toEqual([
      ['ledger-duplicate-id', 1, 'add.jsonl line 1: id "G-2" is already used on line 2 of grants.jsonl'],
      ['ledger-duplicate-id', 3, 'add.jsonl line 3: id "H-1" is already used on line 2'],
    ]);
  });

  it('refuses dangling revokes: unknown, a later line, a revoke', () => {
    const err = hypotheticalRejection(jsonl([
      { ...revoke, revokes: 'G-404' },
      { ...revoke, id: 'H-3', revokes: 'H-4' },
      { ...grant, id: 'H-4' },
      { ...revoke, id: 'H-5', revokes: 'R-1' },
      { ...revoke, id: 'H-6', revokes: 'H-2' },
    ]));
    expect(err.problems.map((p) => [p.code, p.line])).toEqual([
      ['ledger-dangling-revoke', 1], ['ledger-dangling-revoke', 2], ['ledger-dangling-revoke', 4], ['ledger-dangling-revoke', 5],
    ]);
    expect(err.problems[0]!.message).toMatch(/^add\.jsonl line 1: revokes "G-404", which no line grants/);
    expect(err.problems[2]!.message).toMatch(/not a grant \(line 3 of grants\.jsonl is a revoke\)/);
  });

  it('keeps the line rules: blank lines and a missing final newline', () => {
    const err = hypotheticalRejection(`${JSON.stringify(grant)}\n\n${JSON.stringify(revoke)}`);
    expect(err.problems.map((p) => [p.code, p.line])).toEqual([['ledger-schema', 2], ['ledger-schema', 3]]);
  });
});

describe('the expire_at typo (a misspelt expires_at) is refused wherever an entry is read, never an entry without expiry', () => {
  const typo = { expire_at: '2026-12-01T00:00:00Z' };
  const cases: Array<[string, () => Promise<{ err: BlockgateError; file: string; line: number }>]> = [
    ['a signed ledger line', async () => {
      const err = rejection(jsonl(chain(DRAFTS.map((d, i) => (i === 1 ? { ...d, ...typo } as unknown as Draft : d)))));
      expect(err.problems).toHaveLength(1);
      expectProblem(err, 'ledger-schema', 2, /unknown field "expire_at"/);
      return { err, file: FILE, line: 2 };
    }],
    ['a what-if entry', async () => {
      const hypothetical = { id: 'H-1', type: 'grant', role: 'owner', issued_at: '2026-11-25T10:00:00Z', action: 'apply', environment: 'production', resolves: ['B-1'], ...typo };
      const err = thrown(() => parseHypotheticalText(jsonl([hypothetical]), 'add.jsonl', read(jsonl(VALID))));
      return { err, file: 'add.jsonl', line: 1 };
    }],
    ['an entry to append: nothing is written', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'blockgate-typo-'));
      const ledgerPath = join(dir, FILE);
      const draft = { id: 'G-1', type: 'grant', issued_at: '2026-11-20T10:00:00Z', action: 'apply', environment: 'production', resolves: ['B-1'], ...typo };
      const err = await refusal(appendEntry({ ledgerPath, draft, privateKeyPem: pairs['owner-1'].privateKeyPem, keyId: 'owner-1', trust }));
      expect(err.message).toMatch(/nothing was appended/);
      expect([existsSync(ledgerPath), readdirSync(dir)]).toEqual([false, []]);
      return { err, file: ledgerPath, line: 1 };
    }],
  ];

  it.each(cases)('%s: ledger-schema naming the file, the line and the field', async (_, refuse) => {
    const { err, file, line } = await refuse();
    expect(err.code).toBe('ledger-schema');
    expect(err.message).toContain(`${file} line ${line}: `);
    expect(err.message).toMatch(/unknown field "expire_at"/);
  });
});

describe('signatures verified on the thread pool (issue 13)', () => {
  /** A valid ledger of n grants, signed by the owner and operator keys in turn (and the intruder, unknown to the trust file, now and then). */
  function grants(n: number): Line[] {
    return chain(Array.from({ length: n }, (_, i): Draft => {
      const key = i % 7 === 6 ? 'intruder' : i % 2 === 0 ? 'owner-1' : 'operator-1';
      return {
        id: `G-${i}`, type: 'grant', key, role: i % 11 === 10 ? 'auditor' : key === 'operator-1' ? 'operator' : 'owner',
        issued_at: '2026-11-20T10:00:00Z', action: 'apply', environment: 'production', resolves: [`B-${i % 5}`],
      };
    }));
  }
  type Outcome = { ledger: Ledger } | { problems: unknown };
  const outcome = async (read: () => Ledger | Promise<Ledger>): Promise<Outcome> => {
    try {
      return { ledger: await read() };
    } catch (e) {
      if (!(e instanceof BlockgateError)) throw e;
      return { problems: e.problems };
    }
  };
  // Changes to a valid ledger: a signature or a signed field altered, a line dropped, swapped, duplicated or broken.
  const change = fc.record({
    kind: fc.constantFrom('sig', 'field', 'drop', 'swap', 'repeat', 'garble', 'sig-spelling'),
    at: fc.nat(), other: fc.nat(),
  });
  function changed(lines: Line[], changes: { kind: string; at: number; other: number }[]): string[] {
    const out: (Line | string)[] = lines.map((l) => ({ ...l }));
    for (const { kind, at, other } of changes) {
      const i = at % out.length;
      const line = out[i]!;
      if (typeof line === 'string') continue;
      if (kind === 'sig') line.sig = `${String(line.sig).slice(0, 10)}${String(line.sig)[10] === 'A' ? 'B' : 'A'}${String(line.sig).slice(11)}`;
      if (kind === 'sig-spelling') line.sig = String(line.sig).replace(/==$/, '=');
      if (kind === 'field') line.issued_at = '2026-11-20T10:00:01Z';
      if (kind === 'drop') out.splice(i, 1);
      if (kind === 'swap') [out[i], out[other % out.length]] = [out[other % out.length]!, line];
      if (kind === 'repeat') out.splice(i, 0, { ...line });
      if (kind === 'garble') out[i] = `{"id": ${JSON.stringify(line.id)}, "type":`;
    }
    return out.map((l) => (typeof l === 'string' ? l : JSON.stringify(l)));
  }

  it('reads every ledger, valid or changed, exactly as the one-thread reading: the same entries, or the same problems in the same order', async () => {
    const base = grants(POOL_MIN_LINES * 2);
    await fc.assert(fc.asyncProperty(fc.array(change, { maxLength: 4 }), async (changes) => {
      const text = changed(base, changes).map((l) => `${l}\n`).join('');
      const pooled = await outcome(() => parseLedgerTextFromOnPool(text, FILE, trust, { verify: true }, undefined));
      expect(pooled).toEqual(await outcome(() => parseLedgerTextFrom(text, FILE, trust, { verify: true }, undefined)));
    }), { numRuns: 60 });
  });

  it('reads on from a base as the one-thread reading does, and refuses a bad signature among many', async () => {
    const lines = grants(POOL_MIN_LINES * 3);
    const before = jsonl(lines.slice(0, 10));
    const from = { ledger: read(before), text: before, trust };
    const full = jsonl(lines);
    expect(await parseLedgerTextFromOnPool(full, FILE, trust, { verify: true }, from)).toEqual(parseLedgerTextFrom(full, FILE, trust, { verify: true }, from));
    const bad = changed(lines, [{ kind: 'sig', at: 150, other: 0 }]).map((l) => `${l}\n`).join('');
    const problems = (await refusal(parseLedgerTextFromOnPool(bad, FILE, trust, { verify: true }, undefined))).problems;
    expect(problems.map((p) => [p.code, p.line])).toEqual([['ledger-signature', 151], ['ledger-chain', 152]]);
  });
});
