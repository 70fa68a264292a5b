// The decision log carries a rule's denial like a blocker's (SPEC 6): its id among `denials`, a
// line the reader's schema accepts, and a replay that compares it like any other denial.
import { describe, expect, it } from 'vitest';
import type { Gate } from '../gate/gate.js';
import type { Decision } from '../gate/types.js';
import { POLICY, decision, denial, ruleDenial } from '../../test/support/render-samples.js';
import { parseDecisionLogText } from './reader.js';
import { chained, draftOfDecision, GENESIS_PREV, recordLine } from './record.js';
import { replayContents } from './replay.js';

const RULED = decision('apply', 'production', [denial('B-1'), ruleDenial('FREEZE')], ['B-3']);

/** A gate that decides every request as `now` (the log's lines carry no ledger head). */
function gateDeciding(now: Decision): Gate {
  const gate = {
    loaded: { ledger: { file: 'grants.jsonl', entries: [] }, options: {} },
    policy: POLICY,
    atLedgerSeq: () => gate,
    decide: () => ({ decision: now, ledgerHead: null }),
  };
  return gate as unknown as Gate;
}

function logOf(d: Decision): string {
  const record = chained(draftOfDecision({ decision: d, ledgerHead: null }, Date.parse('2026-11-25T12:00:01Z'), 'id-1'), 1, GENESIS_PREV);
  return `${recordLine(record)}\n`;
}

describe('decision log and rule denials', () => {
  it('a rule denial is logged by its id among the denials, in the decision order, and the line reads back', () => {
    const log = parseDecisionLogText(logOf(RULED), 'd.jsonl');
    expect(log.problems).toEqual([]);
    expect(log.decisions.map((x) => [x.record.allowed, x.record.denials])).toEqual([[false, ['B-1', 'FREEZE']]]);
  });

  it('replay: the same rule denial matches; a rule that no longer denies is a changed decision naming it', () => {
    const log = parseDecisionLogText(logOf(RULED), 'd.jsonl');
    expect(replayContents(gateDeciding(RULED), log).verdict).toBe('match');
    const without = replayContents(gateDeciding(decision('apply', 'production', [denial('B-1')], ['B-3'])), log);
    expect(without.verdict).toBe('changed');
    expect(without.findings.map((f) => f.message)).toEqual([expect.stringMatching(/was denied by B-1, FREEZE, is now denied by B-1$/)]);
    const allowed = replayContents(gateDeciding(decision('apply', 'production', [], ['B-1', 'B-3'])), log);
    expect(allowed.findings.map((f) => f.message)).toEqual([expect.stringMatching(/was denied, is now allowed$/)]);
  });
});
