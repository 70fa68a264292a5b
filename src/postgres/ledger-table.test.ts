import { describe, expect, it } from 'vitest';
import { BlockgateError } from '../errors.js';
import { rowsText } from './ledger-table.js';

const NAME = 'postgresql://u@h/db?table=g';

function problemsOf(rows: Array<{ seq: string | number; entry: string }>): Array<[string, number | undefined]> {
  try {
    rowsText(rows, NAME);
  } catch (e) {
    return (e as BlockgateError).problems.map((p) => [p.code, p.line]);
  }
  return [];
}

describe('rows as JSON Lines', () => {
  it('one line per row, in seq order, each ending with a newline', () => {
    expect(rowsText([{ seq: '1', entry: '{"a":1}' }, { seq: 2, entry: '{"b":2}' }], NAME)).toBe('{"a":1}\n{"b":2}\n');
    expect(rowsText([], NAME)).toBe('');
    expect(rowsText([{ seq: '5', entry: 'x' }], NAME, 5)).toBe('x\n');
  });

  it('refuses a gap, a first row other than 1, a renumbered row and a line break, naming the place', () => {
    expect(problemsOf([{ seq: 1, entry: 'a' }, { seq: 3, entry: 'b' }])).toEqual([['ledger-sequence', 2]]);
    expect(problemsOf([{ seq: 2, entry: 'a' }])).toEqual([['ledger-sequence', 1]]);
    expect(problemsOf([{ seq: 1, entry: 'a' }, { seq: 2, entry: 'b\nc' }, { seq: 3, entry: 'd\r' }]))
      .toEqual([['ledger-schema', 2], ['ledger-schema', 3]]);
    expect(problemsOf([{ seq: 1, entry: 'a' }, { seq: 1002, entry: 'b' }])).toEqual([['ledger-sequence', 2]]);
  });
});
