import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AT, FIX7 } from '../../test/support/fix7.js';
import { BlockgateError, openGate } from '../index.js';

describe('openGate', () => {
  it('decides synchronously, with SPEC 3 keys in order', async () => {
    const gate = await openGate(FIX7);
    const decision = gate.check({ action: 'apply', environment: 'production', at: AT });
    expect(Object.keys(decision)).toEqual(['allowed', 'request', 'denials', 'satisfied', 'ignored_grants', 'warnings', 'policy']);
    expect(decision.allowed).toBe(false);
    expect(decision.denials.map((d) => d.blocker_id)).toEqual(['FIX7-P0-DRYRUN-PROD-ROLLBACK-1']);
    expect(gate.check({ action: 'real-run', environment: 'staging', at: new Date(AT) }).allowed).toBe(true);
    expect(gate.check({ action: 'real-run', environment: 'staging', at: Date.parse(AT) }).request.at).toBe('2026-11-25T12:00:00.000Z');
  });

  it('rejects invalid inputs and requests with BlockgateError and SPEC codes', async () => {
    const e = await openGate({ blockers: ['/nonexistent/*.json'] }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(BlockgateError);
    expect((e as BlockgateError).code).toBe('map-none');
    const gate = await openGate(FIX7);
    expect(() => gate.check({ action: 'fly', environment: 'production' })).toThrow(expect.objectContaining({ code: 'unknown-action' }));
    expect(() => gate.check({ action: 'apply', environment: 'production', at: 'tomorrow' })).toThrow(expect.objectContaining({ code: 'bad-time' }));
  });

  it('gives the ledger head with the decision, and a gate over any ledger prefix', async () => {
    const gate = await openGate(FIX7);
    const { decision, ledgerHead } = gate.decide({ action: 'apply', environment: 'production', at: AT });
    expect(ledgerHead?.seq).toBe(6);
    expect(gate.ledgerHead).toEqual(ledgerHead);
    const first = gate.atLedgerSeq(1);
    expect(first.ledgerHead?.seq).toBe(1);
    const early = first.check({ action: 'apply', environment: 'production', at: AT });
    expect(early.denials.length).toBeGreaterThan(decision.denials.length);
    expect(gate.atLedgerSeq(0).ledgerHead).toBeNull();
    expect(() => gate.atLedgerSeq(7)).toThrow(BlockgateError);
  });

  it('reload swaps in a valid new state, and keeps the old one when the files are invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blockgate-gate-'));
    const ledger = join(dir, 'grants.jsonl');
    copyFileSync(FIX7.ledger, ledger);
    const gate = await openGate({ ...FIX7, ledger });
    const lines = readFileSync(FIX7.ledger, 'utf8').split('\n');
    writeFileSync(ledger, `${lines[0]}\n`);
    await gate.reload();
    expect(gate.ledgerHead?.seq).toBe(1);
    writeFileSync(ledger, `${lines[1]}\n`);
    const e = await gate.reload().catch((err: unknown) => err);
    expect((e as BlockgateError).code).toBe('ledger-sequence');
    expect(gate.ledgerHead?.seq).toBe(1);
  });
});
