import { describe, expect, it } from 'vitest';
import { cellName, denialCounts, denierName, roleChoice, rolesNeeded, ruleDenies, rulesDenyingTail, unresolvableWhy } from './phrases.js';

describe('phrases every format shares', () => {
  it('a cell is action@environment, with its target when there is one', () => {
    expect(cellName({ action: 'apply', environment: 'production', target: null })).toBe('apply@production');
    expect(cellName({ action: 'apply', environment: 'production', target: 'QT001' })).toBe('apply@production for QT001');
  });

  it('roles read as all of / any of, and none as no role can resolve it', () => {
    expect(roleChoice(['operator', 'owner'], 'all')).toBe('all of: operator, owner');
    expect(roleChoice(['operator', 'owner'], 'any')).toBe('any of: operator, owner');
    expect(rolesNeeded(['owner'], 'all')).toBe('needs all of: owner');
    expect(rolesNeeded([], 'any')).toBe('no role can resolve it');
  });

  it('a rule reads as a rule that no grant can lift, never with roles or null', () => {
    expect(denierName('FREEZE', true)).toBe('rule FREEZE');
    expect(denierName('B-1', false)).toBe('B-1');
    expect(ruleDenies('frozen until 18:00')).toBe('a rule denies this: frozen until 18:00; no grant can lift it');
    expect(ruleDenies(null)).toBe('a rule denies this; no grant can lift it');
    expect(unresolvableWhy('rule', 'frozen')).toBe('a rule denies this: frozen; no grant can lift it');
    expect(unresolvableWhy('no-role')).toBe('no grant can close it (no-role)');
    expect(denialCounts([{ kind: 'rule' }, { kind: 'blocker' }, { kind: 'rule' }])).toEqual({ blockers: 1, rules: 2 });
    expect([rulesDenyingTail(0), rulesDenyingTail(1), rulesDenyingTail(2)]).toEqual(['', ', and 1 rule denies it', ', and 2 rules deny it']);
    expect(rolesNeeded([], null)).toBe('no role can resolve it');
  });
});
