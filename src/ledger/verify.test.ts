import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlockgateError } from '../errors.js';
import { appendEntry } from './append.js';
import type { DraftEntry } from './draft.js';
import { formatHead } from './head.js';
import { generateKeyPair } from './keys.js';
import { readLedger } from './ledger.js';
import { verifyLedger } from './verify.js';

const owner = generateKeyPair();
const stranger = generateKeyPair();

const grant = (id: string, extra: DraftEntry = {}): DraftEntry => ({
  id, type: 'grant', role: 'owner', issued_at: '2026-11-20T10:00:00Z', action: 'apply', environment: 'production', resolves: ['B-1'], ...extra,
});

/** A ledger and its trust file (the owner's key only) in a fresh directory. */
async function ledgerOf(entries: Array<{ draft: DraftEntry; key?: 'stranger' }>): Promise<{ ledger: string; trust: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'blockgate-verify-'));
  const ledger = join(dir, 'grants.jsonl');
  const trust = join(dir, 'trust.json');
  writeFileSync(trust, JSON.stringify({ keys: [{ id: 'owner-1', role: 'owner', public_key: owner.publicKeyPem }] }));
  for (const { draft, key } of entries) {
    const pair = key === 'stranger' ? { privateKeyPem: stranger.privateKeyPem, keyId: 'stranger-1' } : { privateKeyPem: owner.privateKeyPem, keyId: 'owner-1' };
    await appendEntry({ ledgerPath: ledger, draft, ...pair });
  }
  return { ledger, trust };
}

describe('verifyLedger', () => {
  it('a whole ledger of authentic entries is valid, with its head', async () => {
    const { ledger, trust } = await ledgerOf([{ draft: grant('G-1') }, { draft: grant('G-2') }]);
    const report = await verifyLedger(ledger, trust);
    expect(report).toEqual({
      subject: 'ledger verify', valid: true, findings: [],
      facts: { entries: 2, head: formatHead(readLedger(ledger, null, { verify: false }).head) },
    });
  });

  it('an entry of an unknown key or of another role is a finding naming its line; the chain is whole, so the head stays', async () => {
    const { ledger, trust } = await ledgerOf([{ draft: grant('G-1') }, { draft: grant('G-2'), key: 'stranger' }, { draft: grant('G-3', { role: 'operator' }) }]);
    const report = await verifyLedger(ledger, trust);
    expect(report.valid).toBe(false);
    expect(report.findings).toEqual([
      { severity: 'error', code: 'unknown-key', message: `${ledger} line 2: grant G-2 (key stranger-1) will be ignored: its key is not in the trust file` },
      { severity: 'error', code: 'role-mismatch', message: `${ledger} line 3: grant G-3 (key owner-1) will be ignored: its role differs from its key's role` },
    ]);
    expect(report.facts).toEqual({ entries: 3, head: formatHead(readLedger(ledger, null, { verify: false }).head) });
  });

  it('an edited line: its failed signature and the broken chain after it, in line order, and no head', async () => {
    const { ledger, trust } = await ledgerOf([{ draft: grant('G-1') }, { draft: grant('G-2') }, { draft: grant('G-3') }]);
    writeFileSync(ledger, readFileSync(ledger, 'utf8').replace('"id":"G-2","type":"grant","role":"owner"', '"id":"G-2","type":"grant","role":"OWNER"'));
    const report = await verifyLedger(ledger, trust);
    expect(report.findings.map((f) => [f.code, f.message.slice(0, ledger.length + 7)])).toEqual([
      ['ledger-signature', `${ledger} line 2`],
      ['ledger-chain', `${ledger} line 3`],
    ]);
    expect(report).toMatchObject({ valid: false, facts: { entries: 3, head: null } });
  });

  it('a ledger that cannot be read is a finding; a trust file that cannot be read is an error', async () => {
    const { ledger, trust } = await ledgerOf([]);
    expect(await verifyLedger(ledger, trust)).toEqual({
      subject: 'ledger verify', valid: false,
      findings: [{ severity: 'error', code: 'ledger-schema', message: `${ledger}: not found` }],
      facts: { entries: null, head: null },
    });
    let error: unknown;
    try {
      await verifyLedger(ledger, `${trust}.missing`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BlockgateError);
    expect([(error as BlockgateError).code, (error as BlockgateError).message]).toEqual(['trust-parse', `${trust}.missing: not found`]);
  });
});
