import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AT, FIX7 } from '../test/support/fix7.js';
import { rejection } from '../test/support/thrown.js';
import { readDecisionLog } from './decision-log/reader.js';
import { checkRequest } from './check.js';
import { openGate } from './gate/gate.js';

const REQUEST = { action: 'apply', environment: 'production', at: AT };
const logFile = () => join(mkdtempSync(join(tmpdir(), 'blockgate-check-')), 'decisions.jsonl');

describe('checkRequest: check as one library call', () => {
  it('decides as a gate does, with the plan only when asked', async () => {
    const gate = await openGate(FIX7);
    expect(await checkRequest(FIX7, REQUEST)).toEqual({ decision: gate.check(REQUEST) });
    expect(await checkRequest(FIX7, REQUEST, { explainPlan: true })).toEqual({ decision: gate.check(REQUEST), plan: gate.plan(REQUEST) });
  });

  it('logs the decision it returns', async () => {
    const file = logFile();
    const { decision } = await checkRequest(FIX7, REQUEST, { decisionLog: file });
    const log = readDecisionLog(file);
    expect(log.problems).toEqual([]);
    expect(log.decisions.map((d) => [d.record.allowed, d.record.request, d.record.ledger_head?.seq])).toEqual([[decision.allowed, decision.request, 6]]);
  });

  it('logs invalid inputs as a fail-closed answer, then rejects with their error', async () => {
    const file = logFile();
    const e = await rejection(checkRequest({ blockers: [join(tmpdir(), 'blockgate-no-such-map-*.json')] }, REQUEST, { decisionLog: file }));
    expect(e.code).toBe('map-none');
    const [logged] = readDecisionLog(file).decisions;
    expect([logged?.record.allowed, logged?.record.error?.code]).toEqual([false, 'map-none']);
  });

  it('a malformed request is refused and not logged', async () => {
    const file = logFile();
    expect((await rejection(checkRequest(FIX7, { action: 'fly', environment: 'production', at: AT }, { decisionLog: file }))).code).toBe('unknown-action');
    expect((await rejection(checkRequest({ blockers: ['/nonexistent/*.json'] }, { action: '', environment: 'production' }, { decisionLog: file }))).code).toBe('map-none');
    expect(() => readDecisionLog(file)).toThrow();
  });
});
