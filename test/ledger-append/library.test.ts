// appendChecked, the library call `ledger append` makes, with a fixed clock; and the CLI's maps
// from blockgate.json, BLOCKGATE_BLOCKERS and standard input.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appendChecked } from '../../src/index.js';
import { rejection } from '../support/thrown.js';
import { blockgate, expectError, FIX7, keyFile, put, tempDir, TRUST } from '../e2e/core-support.js';

const LEDGER = `${FIX7}/grants.jsonl`;
const MAP = `${FIX7}/production-readiness-blocker-map.json`;
/** The clock of these tests: fix7's ledger then denies apply@production by one blocker only. */
const NOW = Date.parse('2026-11-25T12:00:00Z');

function ledgerCopy(): string {
  return put(tempDir('append-lib'), 'grants.jsonl', readFileSync(LEDGER, 'utf8'));
}

const operator = { keyFile: keyFile('operator-1'), keyId: 'operator-1', trustFile: TRUST };
const rollback = { id: 'G-ROLLBACK-1', type: 'grant', action: 'apply', environment: 'production', resolves: ['FIX7-P0-DRYRUN-PROD-ROLLBACK-1'] };

describe('appendChecked', () => {
  it('a dry run at a fixed clock: the entry issued then, the one cell it allows, nothing written', async () => {
    const ledgerPath = ledgerCopy();
    const before = readFileSync(ledgerPath);
    const r = await appendChecked({ ledgerPath, drafts: [rollback], ...operator, blockers: [MAP], dryRun: true, now: NOW });
    expect(r.entries.map((e) => [e.entry.id, e.entry.seq, e.entry.issued_at])).toEqual([['G-ROLLBACK-1', 7, '2026-11-25T12:00:00.000Z']]);
    expect(r.changes).toEqual([{
      action: 'apply', environment: 'production', target: null, before: false, after: true,
      denials_added: [], denials_removed: ['FIX7-P0-DRYRUN-PROD-ROLLBACK-1'],
    }]);
    expect(r).toMatchObject({ dryRun: true, forced: [], unchecked: [], decidedAt: '2026-11-25T12:00:00.000Z' });
    expect(readFileSync(ledgerPath).equals(before)).toBe(true);

    const real = await appendChecked({ ledgerPath, drafts: [rollback], ...operator, blockers: [MAP], now: NOW });
    expect(real.entries[0]!.hash).toBe(r.entries[0]!.hash);
    expect(real.changes).toBeNull();
  });

  it('the clock and --max-skew decide the time checks', async () => {
    const ledgerPath = ledgerCopy();
    const draft = { ...rollback, issued_at: '2026-11-25T11:50:00Z' };
    const e = await rejection(appendChecked({ ledgerPath, drafts: [draft], ...operator, now: NOW }));
    expect([e.code, e.message]).toEqual(['append-bad-time',
      `${ledgerPath}: grant "G-ROLLBACK-1": issued_at 2026-11-25T11:50:00Z is 10m behind the clock (now 2026-11-25T12:00:00.000Z), more than --max-skew 5m; `
      + 'leave issued_at out to issue it now, or give a larger --max-skew; nothing was appended']);
    const ok = await appendChecked({ ledgerPath, drafts: [draft], ...operator, now: NOW, maxSkewMs: 10 * 60_000 });
    expect(ok.entries[0]!.entry.seq).toBe(7);
  });

  it('force: the refusals are returned, not thrown', async () => {
    const r = await appendChecked({ ledgerPath: ledgerCopy(), drafts: [{ ...rollback, action: 'aply' }], ...operator, now: NOW, force: true });
    expect(r.forced.map((p) => p.code)).toEqual(['append-unknown-name']);
    expect(r.unchecked).toEqual(['resolves: not checked against any map, since no --blockers was given']);
  });

  it('no entry at all is usage', async () => {
    const e = await rejection(appendChecked({ ledgerPath: ledgerCopy(), drafts: [], ...operator }));
    expect([e.code, e.message]).toEqual(['usage', 'no entry to append']);
  });
});

describe('the maps from the configuration or standard input', () => {
  const args = ['ledger', 'append', '--key', keyFile('operator-1'), '--key-id', 'operator-1', '--trust', TRUST,
    '--id', 'G-NEW-1', '--action', 'apply', '--env', 'production', '--resolves', 'FIX7-P0-PROD-OPT4-2', '--format', 'json'];

  it('blockers in blockgate.json: resolves is checked against them', async () => {
    const dir = tempDir('append-lib');
    put(dir, 'grants.jsonl', readFileSync(LEDGER, 'utf8'));
    put(dir, 'blockgate.json', { blockers: [MAP] });
    expectError(await blockgate([...args, '--ledger', 'grants.jsonl'], { cwd: dir }), 'append-unknown-blocker', 3, 'did you mean "FIX7-P0-PROD-OPT4-1"?');
  });

  it('BLOCKGATE_BLOCKERS, and --blockers - from standard input', async () => {
    const ledger = ledgerCopy();
    expectError(await blockgate([...args, '--ledger', ledger], { env: { BLOCKGATE_BLOCKERS: MAP } }), 'append-unknown-blocker', 3, 'FIX7-P0-PROD-OPT4-2');
    expectError(await blockgate([...args, '--ledger', ledger, '--blockers', '-'], { input: readFileSync(MAP, 'utf8') }), 'append-unknown-blocker', 3, 'FIX7-P0-PROD-OPT4-2');
  });
});
