import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AT, FIX7 } from '../test/support/fix7.js';
import { openGate } from './gate/gate.js';
import { LiveGate } from './live-gate.js';

const REQUEST = { action: 'apply', environment: 'production', at: AT };

describe('LiveGate answers', () => {
  it('decides, plans and builds the matrix from the current state, with the log line of each decision', async () => {
    const gate = await openGate(FIX7);
    const live = new LiveGate(FIX7, gate, 0, () => 'unchanged');
    const { result, draft } = live.decide(REQUEST, 'D-1', Date.parse(AT));
    expect(result).toEqual(gate.check(REQUEST));
    expect([draft.decision_id, draft.allowed, draft.ledger_head?.seq]).toEqual(['D-1', false, 6]);
    expect(live.plan(REQUEST)).toEqual(gate.plan(REQUEST));
    expect(live.matrix(Date.parse(AT))).toEqual({ matrix: gate.matrix(AT) });
  });

  it('fails closed on every answer while the inputs are invalid, and logs the error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blockgate-live-'));
    const ledger = join(dir, 'grants.jsonl');
    copyFileSync(FIX7.ledger, ledger);
    const options = { ...FIX7, ledger };
    const live = new LiveGate(options, await openGate(options), 0, () => 'unchanged');
    writeFileSync(ledger, 'garbage\n');
    expect(live.reload(1).ready).toBe(false);
    const failed = { allowed: false, error: expect.objectContaining({ code: 'ledger-schema' }) };
    const { result, draft } = live.decide(REQUEST, 'D-2', Date.parse(AT));
    expect(result).toEqual(failed);
    expect([draft.allowed, draft.error?.code]).toEqual([false, 'ledger-schema']);
    expect(live.plan(REQUEST)).toEqual(failed);
    expect(live.matrix(Date.parse(AT))).toEqual(failed);
  });
});
