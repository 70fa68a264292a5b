// The policy's prerequisites_met_at (SPEC 2.3's T(b) of the blockers denied for a too-early
// grant) is read only in the shape the policy promises; anything else fails closed.
import { describe, expect, it } from 'vitest';
import { BlockgateError } from '../errors.js';
import { prerequisitesMetAtOf, type Denial, type PolicyDecision } from './results.js';

const denial = (id: string, reasons: string[]): Denial => ({
  kind: 'blocker', blocker_id: id, item: null, next_action: null, actor_needed: 'owner', blocks: ['production'],
  required_roles: ['owner'], mode: 'all', missing_roles: ['owner'], reasons, source: 'map.json',
});
const decision = (extra: Record<string, unknown>): PolicyDecision => ({
  allowed: false, denials: [denial('B', ['grant-too-early']), denial('C', ['missing-grant'])], satisfied: [], ignored_grants: [], warnings: [], ...extra,
});

describe('prerequisitesMetAtOf', () => {
  it('is undefined when the policy gives none (an older bundle, or no grant too early)', () => {
    expect(prerequisitesMetAtOf(decision({}))).toBeUndefined();
  });

  it('gives the instants of too-early denials', () => {
    expect(prerequisitesMetAtOf(decision({ prerequisites_met_at: { B: 1_764_000_000_000 } }))).toEqual({ B: 1_764_000_000_000 });
  });

  it.each([
    ['a list', [1]],
    ['null', null],
    ['a blocker denied for another reason', { C: 1 }],
    ['an id no denial has', { X: 1 }],
    ['a time as text', { B: '2026-11-23T12:00:00Z' }],
    ['a fraction of a millisecond', { B: 1.5 }],
    ['an instant past year 9999', { B: 253_402_300_800_000 }],
  ])('refuses %s as an internal error', (_, given) => {
    const thrown = (() => {
      try { prerequisitesMetAtOf(decision({ prerequisites_met_at: given })); } catch (e) { return e; }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(BlockgateError);
    expect((thrown as BlockgateError).code).toBe('internal');
    expect((thrown as BlockgateError).message).toBe('the policy gave a malformed prerequisites_met_at');
  });

  it('checks a frozen (memoised) answer once, and refuses a malformed one every time it is asked', () => {
    const good = Object.freeze(decision({ prerequisites_met_at: Object.freeze({ B: 1_764_000_000_000 }) }));
    const first = prerequisitesMetAtOf(good);
    expect(prerequisitesMetAtOf(good)).toBe(first);
    expect(first).toEqual({ B: 1_764_000_000_000 });
    const bad = Object.freeze(decision({ prerequisites_met_at: Object.freeze({ X: 1 }) }));
    for (let i = 0; i < 3; i++) expect(() => prerequisitesMetAtOf(bad)).toThrow('the policy gave a malformed prerequisites_met_at');
    // An answer that is not frozen may still change, so it is checked again each time.
    const open = decision({ prerequisites_met_at: { B: 1 } });
    expect(prerequisitesMetAtOf(open)).toEqual({ B: 1 });
    (open as { prerequisites_met_at: unknown }).prerequisites_met_at = { X: 1 };
    expect(() => prerequisitesMetAtOf(open)).toThrow('malformed');
  });
});
