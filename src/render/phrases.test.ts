import { describe, expect, it } from 'vitest';
import { cellName, roleChoice, rolesNeeded } from './phrases.js';

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
});
