import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openGate, type Gate } from '../gate/gate.js';
import { appendDecision } from './writer.js';
import { draftOfDecision, draftOfError } from './record.js';
import { replayDecisionLog } from './replay.js';
import { BlockgateError } from '../errors.js';
import { appendEntry } from '../ledger/append.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const MAP = `${root}fixtures/fix7/production-readiness-blocker-map.json`;
const TRUST = `${root}fixtures/trust.test-only.json`;
const LEDGER = `${root}fixtures/fix7/grants.jsonl`;
const AT = '2026-11-25T12:00:00Z';
const ledgerLines = readFileSync(LEDGER, 'utf8').split('\n').filter((l) => l !== '');

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'blockgate-replay-'));
  const ledger = join(dir, 'grants.jsonl');
  copyFileSync(LEDGER, ledger);
  return { dir, ledger, log: join(dir, 'decisions.jsonl'), options: { blockers: [MAP], ledger, trust: TRUST } };
}

/** Logs decisions made over the first `seq` entries, as a gate at that time would have. */
async function logAt(gate: Gate, seq: number, log: string, requests: Array<[string, string]>) {
  const then = gate.atLedgerSeq(seq);
  for (const [action, environment] of requests) await appendDecision(log, draftOfDecision(then.decide({ action, environment, at: AT })));
}

describe('replayDecisionLog', () => {
  it('matches every decision replayed over the ledger prefix it saw', async () => {
    const w = workspace();
    const gate = await openGate(w.options);
    await logAt(gate, 1, w.log, [['apply', 'production']]);
    await logAt(gate, 3, w.log, [['real-run', 'staging'], ['apply', 'production']]);
    await logAt(gate, 6, w.log, [['apply', 'production'], ['ci-enforcement', 'production']]);
    const report = replayDecisionLog(gate, w.log);
    expect(report.verdict).toBe('match');
    expect(report.findings).toEqual([]);
    expect(report.facts).toMatchObject({ decisions: 5, matched: 5, changed: 0 });
  });

  it('reports decisions that no longer match (the maps changed)', async () => {
    const w = workspace();
    const gate = await openGate(w.options);
    await logAt(gate, 6, w.log, [['apply', 'production'], ['real-run', 'staging']]);
    const map = JSON.parse(readFileSync(MAP, 'utf8'));
    map.resolved_in_this_macro = ['FIX7-P0-DRYRUN-PROD-ROLLBACK-1'];
    const changedMap = join(w.dir, 'map.json');
    writeFileSync(changedMap, JSON.stringify(map));
    const report = replayDecisionLog(await openGate({ ...w.options, blockers: [changedMap] }), w.log);
    expect(report.verdict).toBe('changed');
    expect(report.findings).toEqual([expect.objectContaining({ code: 'decision-changed', message: expect.stringMatching(/line 1: .* was denied, is now allowed/) })]);
  });

  it('reports a truncated ledger as broken', async () => {
    const w = workspace();
    const gate = await openGate(w.options);
    await logAt(gate, 2, w.log, [['apply', 'production']]);
    await logAt(gate, 6, w.log, [['apply', 'production']]);
    writeFileSync(w.ledger, `${ledgerLines.slice(0, 4).join('\n')}\n`);
    const report = replayDecisionLog(await openGate(w.options), w.log);
    expect(report.verdict).toBe('broken');
    expect(report.findings.map((f) => [f.code, f.message.match(/line (\d+)/)?.[1]])).toEqual([['ledger-truncated', '2']]);
    expect(report.facts).toMatchObject({ matched: 1 });
  });

  it('reports a ledger rewritten under the same length (validly signed and chained) as broken', async () => {
    const w = workspace();
    const gate = await openGate(w.options);
    await logAt(gate, 1, w.log, [['apply', 'production']]);
    await logAt(gate, 2, w.log, [['apply', 'production']]);
    // The same first entry, then a different second one, signed by the same operator key.
    writeFileSync(w.ledger, `${ledgerLines[0]}\n`);
    await appendEntry({
      ledgerPath: w.ledger, keyId: 'operator-1', privateKeyPem: readFileSync(`${root}fixtures/keys/operator-1.test-only.key`, 'utf8'),
      draft: { id: 'G-OPERATOR-APPLY-1', type: 'grant', role: 'operator', issued_at: '2026-11-21T09:30:00+01:00', action: 'apply', environment: 'production', resolves: ['FIX7-P0-OPERATOR-INPUT-1'] },
    });
    const report = replayDecisionLog(await openGate(w.options), w.log);
    expect(report.verdict).toBe('broken');
    expect(report.findings).toEqual([expect.objectContaining({ code: 'ledger-rewritten', message: expect.stringMatching(/line 2: .*saw ledger entry 2 with hash/) })]);
    expect(report.facts).toMatchObject({ matched: 1 });
  });

  it('does not replay fail-closed error answers, and says so', async () => {
    const w = workspace();
    const gate = await openGate(w.options);
    const request = { action: 'apply', environment: 'production', target: null, at: '2026-11-25T12:00:00.000Z' };
    await appendDecision(w.log, draftOfError(request, new BlockgateError('ledger-chain', 'grants.jsonl line 2: broken')));
    const report = replayDecisionLog(gate, w.log);
    expect(report.verdict).toBe('match');
    expect(report.findings).toEqual([expect.objectContaining({ severity: 'warning', code: 'not-replayable' })]);
  });
});
