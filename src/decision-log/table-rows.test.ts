// A decision log table's rows read as one log: one chain per instance, each checked as a file's.
import { describe, expect, it } from 'vitest';
import type { DecisionRow } from '../postgres/decision-log-table.js';
import { contentsOfRows, parseDecisionLogText } from './reader.js';
import { chainAfter, EMPTY_CHAIN, recordHash, tailOfLine } from './record.js';
import { decisionDraft as draft } from '../../test/support/decision-log.js';

const NAME = 'postgresql://ledger@127.0.0.1:5433/blockgate?table=decisions';

/** `n` rows of one instance's chain, as a writer stores them. */
function rowsOf(instance: string, n: number, from = 1): DecisionRow[] {
  const { records, lines } = chainAfter(EMPTY_CHAIN, Array.from({ length: n }, (_, i) => draft(from + i)));
  return records.map((record, i) => ({ instance, seq: record.seq, line: lines[i]! }));
}

describe('chainAfter', () => {
  it('chains drafts after a tail, and leaves the tail its last line has', () => {
    const first = chainAfter(EMPTY_CHAIN, [draft(1), draft(2)]);
    expect(first.records.map((r) => r.seq)).toEqual([1, 2]);
    expect(first.records[1]!.prev).toBe(recordHash(first.records[0]));
    expect(first.tail).toEqual(tailOfLine(first.lines[1]!, 'x'));
    const next = chainAfter(first.tail, [draft(3)]);
    expect(next.records[0]).toMatchObject({ seq: 3, prev: first.tail.hash });
    // The lines are exactly a file log's lines.
    expect(parseDecisionLogText(`${[...first.lines, ...next.lines].join('\n')}\n`, 'd.jsonl').problems).toEqual([]);
  });

  it('refuses to continue after a line that is no record', () => {
    expect(() => tailOfLine('{"seq":0}', 'x')).toThrow(/no valid seq/);
    expect(() => tailOfLine('{"seq":', 'x')).toThrow(/not JSON/);
  });
});

describe('contentsOfRows', () => {
  it('reads each instance as its own chain, and all their decisions as one log', () => {
    const a = rowsOf('a', 3);
    const b = rowsOf('b', 2, 10);
    // Interleaved and out of order, as another ORDER BY might give them.
    const log = contentsOfRows(NAME, [b[1]!, a[2]!, a[0]!, b[0]!, a[1]!]);
    expect(log.problems).toEqual([]);
    expect(log.lines).toBe(5);
    expect(log.file).toBe(NAME);
    expect(log.decisions.map((d) => [d.chain, d.line, d.record.decision_id])).toEqual([
      [`${NAME} instance b`, 1, 'd-10'], [`${NAME} instance b`, 2, 'd-11'],
      [`${NAME} instance a`, 1, 'd-1'], [`${NAME} instance a`, 2, 'd-2'], [`${NAME} instance a`, 3, 'd-3'],
    ]);
  });

  it('an empty table is an empty log', () => {
    expect(contentsOfRows(NAME, [])).toEqual({ file: NAME, decisions: [], problems: [], lines: 0 });
  });

  it('a gap in one instance\'s seq is a chain problem naming the instance and seq; the other instance stays clean', () => {
    const a = rowsOf('a', 4);
    const log = contentsOfRows(NAME, [...rowsOf('b', 2), a[0]!, a[1]!, a[3]!]);
    expect(log.problems.length).toBeGreaterThan(0);
    expect(log.problems.every((p) => p.code === 'log-chain' && p.message.startsWith(`${NAME} instance a`))).toBe(true);
    expect(log.problems[0]!.message).toBe(`${NAME} instance a seq 4: it follows seq 2: rows were removed`);
  });

  it('a chain whose first rows are gone is a problem, even when the rest chains', () => {
    const log = contentsOfRows(NAME, rowsOf('a', 3).slice(1));
    expect(log.problems[0]!.message).toBe(`${NAME} instance a seq 2: the first row must have seq 1: rows were removed`);
  });

  it('an edited line breaks its instance\'s chain at the next row', () => {
    const a = rowsOf('a', 3);
    a[1] = { ...a[1]!, line: a[1]!.line.replace('"allowed":true', '"allowed":false') };
    const log = contentsOfRows(NAME, a);
    expect(log.problems).toEqual([{ code: 'log-chain', line: 3, message: expect.stringMatching(new RegExp(`^${NAME.replace(/[.?]/g, '\\$&')} instance a line 3: prev does not match the hash of line 2`)) }]);
  });

  it('a renumbered seq column that no longer matches the lines is caught', () => {
    const a = rowsOf('a', 2).map((row) => ({ ...row, seq: row.seq + 1 }));
    expect(contentsOfRows(NAME, a).problems.map((p) => p.code)).toContain('log-chain');
  });

  it('a row that is no record is a schema problem, and the decision is not counted', () => {
    const a = rowsOf('a', 2);
    a[1] = { ...a[1]!, line: '{"seq":2}' };
    const log = contentsOfRows(NAME, a);
    expect(log.problems.map((p) => p.code)).toContain('log-schema');
    expect(log.decisions).toHaveLength(1);
  });
});
