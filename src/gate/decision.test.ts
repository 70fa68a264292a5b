import { describe, expect, it } from 'vitest';
import type { PolicyDecision } from '../engine/results.js';
import { denial, ruleDenial } from '../../test/support/render-samples.js';
import { decisionFor } from './decision.js';
import type { LoadedState } from './state.js';

/** A loaded state whose engine answers `answer` (no bundle runs here: only the shaping is tested). */
function stateAnswering(answer: PolicyDecision): LoadedState {
  return {
    engine: { decide: () => answer },
    bundle: { seal: { revision: 'rev0123456789abc', sha256: 'a'.repeat(64) } },
  } as unknown as LoadedState;
}

describe('decisionFor shapes the policy answer', () => {
  it('keeps every denial\'s kind, a rule\'s null mode and actor and empty role lists (design "Decision shape with rules")', () => {
    const rule = ruleDenial('FREEZE');
    const answer: PolicyDecision = { allowed: false, denials: [denial('B-1'), rule], satisfied: [], ignored_grants: [], warnings: [] };
    const d = decisionFor(stateAnswering(answer), { action: 'apply', environment: 'production', at: 0 });
    expect(d.denials.map((x) => x.kind)).toEqual(['blocker', 'rule']);
    expect(d.denials[1]).toEqual(rule);
    expect(Object.keys(d.denials[1]!)[0]).toBe('kind');
    expect(JSON.parse(JSON.stringify(d)).denials[1]).toEqual(rule);
  });
});
