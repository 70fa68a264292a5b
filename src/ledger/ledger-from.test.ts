// Reading on from a ledger read before (what a server does on each append): the result must be
// exactly the whole read's, and anything but lines added must read the whole text again.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BlockgateError } from '../errors.js';
import { loadTrust } from './keys.js';
import { parseLedgerText, parseLedgerTextFrom, type LedgerBase } from './ledger.js';

const FILE = fileURLToPath(new URL('../../fixtures/fix7/grants.jsonl', import.meta.url));
const TRUST = loadTrust(fileURLToPath(new URL('../../fixtures/trust.test-only.json', import.meta.url)));
const TEXT = readFileSync(FILE, 'utf8');
const LINES = TEXT.split('\n').slice(0, -1);
const OPTS = { verify: true };

function prefix(n: number): string {
  return n === 0 ? '' : `${LINES.slice(0, n).join('\n')}\n`;
}

function baseOf(n: number, trust = TRUST): LedgerBase {
  const text = prefix(n);
  return { ledger: parseLedgerText(text, 'g', trust, OPTS), text, trust };
}

function failure(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    return (e as BlockgateError).problems.map((p) => `${p.code} ${p.line}`);
  }
  return [];
}

describe('parseLedgerTextFrom', () => {
  it('from every prefix to every longer text, the same ledger as one whole read', () => {
    for (let from = 0; from <= LINES.length; from++) {
      for (let to = from; to <= LINES.length; to++) {
        expect(parseLedgerTextFrom(prefix(to), 'g', TRUST, OPTS, baseOf(from)), `${from}..${to}`).toEqual(parseLedgerText(prefix(to), 'g', TRUST, OPTS));
      }
    }
  });

  it('an added line is checked against the lines before it: its chain, its seq, its id', () => {
    const base = baseOf(3);
    const fourth = LINES[3]!;
    expect(failure(() => parseLedgerTextFrom(`${prefix(3)}${LINES[4]}\n`, 'g', TRUST, OPTS, base))).toEqual(['ledger-sequence 4', 'ledger-chain 4']);
    const reused = fourth.replace(/"id":"[^"]+"/, `"id":${JSON.stringify(base.ledger.entries[0]!.entry.id)}`);
    expect(failure(() => parseLedgerTextFrom(`${prefix(3)}${reused}\n`, 'g', TRUST, OPTS, base))).toContain('ledger-duplicate-id 4');
  });

  it('an edited earlier line, another trust or another name reads the whole text again', () => {
    const edited = prefix(6).replace(LINES[1]!, LINES[1]!.replace('"role":"operator"', '"role":"OPERATOR"'));
    expect(failure(() => parseLedgerTextFrom(edited, 'g', TRUST, OPTS, baseOf(3)))).toContain('ledger-signature 2');
    const untrusted = parseLedgerTextFrom(prefix(6), 'g', null, OPTS, baseOf(3));
    expect(untrusted.entries.map((e) => e.auth)).toEqual(parseLedgerText(prefix(6), 'g', null, OPTS).entries.map((e) => e.auth));
    expect(parseLedgerTextFrom(prefix(6), 'other', TRUST, OPTS, baseOf(3)).entries.every((e) => e.line >= 1)).toBe(true);
    expect(parseLedgerTextFrom(prefix(2), 'g', TRUST, OPTS, baseOf(4))).toEqual(parseLedgerText(prefix(2), 'g', TRUST, OPTS));
  });
});
