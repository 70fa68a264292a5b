import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BlockgateError } from '../errors.js';
import { GENESIS_PREV, parseLedgerText } from './ledger.js';
import { formatHead, parseHead, readHead, requireHead } from './head.js';

const FIX7 = fileURLToPath(new URL('../../fixtures/fix7/grants.jsonl', import.meta.url));
const TRUST = fileURLToPath(new URL('../../fixtures/trust.test-only.json', import.meta.url));
const text = readFileSync(FIX7, 'utf8');
const full = parseLedgerText(text, 'grants.jsonl', null, { verify: false });
const lines = text.split('\n').filter(Boolean);

function codeOf(fn: () => void): [string, string] {
  try { fn(); } catch (e) { return [(e as BlockgateError).code, (e as BlockgateError).message]; }
  return ['none', ''];
}

describe('ledger head pinning', () => {
  const pin = parseHead(formatHead(full.head));

  it('round-trips SEQ:HASH', () => {
    expect(formatHead(full.head)).toMatch(/^6:[0-9a-f]{64}$/);
    expect(pin).toEqual(full.head);
  });

  it('accepts the same ledger, and a longer one that contains the pinned entry', () => {
    expect(() => requireHead(full, pin)).not.toThrow();
    const earlier = parseHead(`3:${full.entries[2]!.hash}`);
    expect(() => requireHead(full, earlier)).not.toThrow();
  });

  it('refuses a ledger whose newest lines were deleted (a valid chain on its own)', () => {
    const cut = parseLedgerText(`${lines.slice(0, 5).join('\n')}\n`, 'grants.jsonl', null, { verify: false });
    const [code, message] = codeOf(() => requireHead(cut, pin));
    expect(code).toBe('ledger-truncated');
    expect(message).toMatch(/^grants\.jsonl: the ledger ends at seq 5, but head 6:[0-9a-f]{64} was pinned/);
  });

  it('refuses a ledger rewritten at the pinned entry', () => {
    const [code, message] = codeOf(() => requireHead(full, { seq: 6, hash: 'f'.repeat(64) }));
    expect(code).toBe('ledger-truncated');
    expect(message).toMatch(/^grants\.jsonl line 6: entry seq 6 hashes to [0-9a-f]{64}, not the pinned f{64}/);
  });

  it('takes the empty head 0:000… as in every ledger, and no other seq-0 hash', () => {
    expect(() => requireHead(full, parseHead(`0:${'0'.repeat(64)}`))).not.toThrow();
    expect(codeOf(() => requireHead(full, { seq: 0, hash: 'a'.repeat(64) }))[0]).toBe('ledger-truncated');
  });

  it('refuses a malformed pin as a usage error', () => {
    for (const bad of ['', '6', '6:abc', `x:${'0'.repeat(64)}`, `6:${'A'.repeat(64)}`]) {
      expect(codeOf(() => parseHead(bad))[0]).toBe('usage');
    }
  });
});

describe('readHead (ledger head)', () => {
  it('the head of a ledger verified whole, with or without a trust file', async () => {
    const expected = { head: formatHead(full.head), seq: 6, hash: full.head!.hash, entries: 6 };
    expect(await readHead({ ledger: FIX7 })).toEqual(expected);
    expect(await readHead({ ledger: FIX7, trust: TRUST })).toEqual(expected);
  });

  it('an empty ledger has seq 0 and 64 zeros; standard input is read for -', async () => {
    expect(await readHead({ ledger: '-', stdin: () => '' })).toEqual({ head: `0:${GENESIS_PREV}`, seq: 0, hash: GENESIS_PREV, entries: 0 });
    expect((await readHead({ ledger: '-', stdin: () => text })).seq).toBe(6);
  });

  it('refuses a ledger whose chain is broken, naming (stdin) and the line', async () => {
    const edited = text.replace(lines[1]!, lines[1]!.replace('"seq":2', '"seq":7'));
    const [code, message] = await readHead({ ledger: '-', stdin: () => edited }).then(() => ['none', ''], (e: BlockgateError) => [e.code, e.message]);
    expect(code).toBe('ledger-sequence');
    expect(message).toMatch(/^\(stdin\) line 2: /);
  });
});
