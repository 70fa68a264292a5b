// Reading a decision log back: every line parsed strictly and schema-checked, and the chain
// (seq, prev) checked line by line. A broken chain means a line was deleted, edited or added.
// A PostgreSQL table holds one chain per instance, each checked in the same way.

import { BlockgateError, ERROR_CODES, problem, type DecisionLogCode, type Problem } from '../errors.js';
import { readTextFile } from '../load/files.js';
import { parseJson, type ParsedJson } from '../load/json.js';
import { isPostgresUrl } from '../postgres/connect.js';
import { readDecisionTable } from '../postgres/decision-log-table.js';
import { compileValidator } from '../schema/ajv.js';
import { GENESIS_PREV, recordHash, type DecisionLogRecord } from './record.js';

const HEX64 = '^[0-9a-f]{64}$';

export const decisionLogRecordSchema = {
  $id: 'blockgate/decision-log-record',
  type: 'object',
  additionalProperties: false,
  required: ['seq', 'decision_id', 'timestamp', 'request', 'allowed', 'denials', 'policy', 'ledger_head', 'prev'],
  properties: {
    seq: { type: 'integer', minimum: 1 },
    decision_id: { type: 'string', minLength: 1 },
    timestamp: { type: 'string', format: 'rfc3339' },
    request: {
      type: 'object',
      additionalProperties: false,
      required: ['action', 'environment', 'target', 'at'],
      properties: {
        action: { type: 'string', minLength: 1 },
        environment: { type: 'string', minLength: 1 },
        target: { type: ['string', 'null'] },
        at: { type: 'string', format: 'rfc3339' },
      },
    },
    allowed: { type: 'boolean' },
    denials: { type: 'array', items: { type: 'string' } },
    command: { type: 'array', minItems: 1, items: { type: 'string' } },
    error: {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'message'],
      // A blockgate error code: a line with any other is not one blockgate wrote.
      properties: { code: { enum: ERROR_CODES }, message: { type: 'string' } },
    },
    policy: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['revision', 'sha256'],
      properties: { revision: { type: 'string' }, sha256: { type: 'string', pattern: HEX64 } },
    },
    ledger_head: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['seq', 'hash'],
      properties: { seq: { type: 'integer', minimum: 1 }, hash: { type: 'string', pattern: HEX64 } },
    },
    prev: { type: 'string', pattern: HEX64 },
  },
} as const;

// The code is only a carrier: the reader reports every line problem as `log-schema`.
const validateRecord = compileValidator(decisionLogRecordSchema, 'bad-request', 'bad-request');

/** A problem with the log itself: `log-schema` (a line that is no record) or `log-chain`. */
export interface LogProblem { code: Extract<DecisionLogCode, 'log-schema' | 'log-chain'>; line: number; message: string }

export interface LoggedDecision {
  record: DecisionLogRecord;
  /** Its line in the chain (in a table: its row in its instance's chain, by seq). */
  line: number;
  /** The chain it is in, when the log holds more than one (a table: the URL and the instance); else the log is. */
  chain?: string;
}

export interface DecisionLogContents {
  /** The log's name: its path, or its URL without the password. */
  file: string;
  /** Every line that is a well-formed record, chained or not. */
  decisions: LoggedDecision[];
  problems: LogProblem[];
  /** Lines in the file (rows in the table). */
  lines: number;
}

export function readDecisionLog(file: string): DecisionLogContents {
  return parseDecisionLogText(readTextFile(file, 'io'), file);
}

/** The log at `locator`: a file, or a `postgresql://` URL (any database failure is io). */
export async function readDecisionLogFrom(locator: string): Promise<DecisionLogContents> {
  if (!isPostgresUrl(locator)) return readDecisionLog(locator);
  const { name, rows } = await readDecisionTable(locator);
  return contentsOfRows(name, rows);
}

export function parseDecisionLogText(text: string, file: string): DecisionLogContents {
  if (text === '') return { file, decisions: [], problems: [], lines: 0 };
  const contents = text.split('\n');
  const finalNewline = contents.at(-1) === '';
  if (finalNewline) contents.pop();
  return parseDecisionLogLines(contents, file, finalNewline);
}

/** One row of a decision-log table (declared here, so the library's types never reach the database client's). */
export interface DecisionRow { instance: string; seq: number; line: string }

/**
 * A table's rows as one log: each instance's rows, in seq order, checked as a chain of their
 * own (seq 1, 2, … with no gap, and prev chaining as in a file); problems name the instance.
 */
export function contentsOfRows(name: string, rows: readonly DecisionRow[]): DecisionLogContents {
  const byInstance = new Map<string, DecisionRow[]>();
  for (const row of rows) {
    const chain = byInstance.get(row.instance) ?? [];
    chain.push(row);
    byInstance.set(row.instance, chain);
  }
  const decisions: LoggedDecision[] = [];
  const problems: LogProblem[] = [];
  for (const [instance, chainRows] of byInstance) {
    const chain = `${name} instance ${instance}`;
    chainRows.sort((a, b) => a.seq - b.seq);
    // The seq column orders the rows; a missing one is a removed decision, whatever the lines say.
    chainRows.forEach((row, i) => {
      const expected = i === 0 ? 1 : chainRows[i - 1]!.seq + 1;
      if (row.seq !== expected) {
        const what = i === 0 ? 'the first row must have seq 1' : `it follows seq ${chainRows[i - 1]!.seq}`;
        problems.push({ code: 'log-chain', line: i + 1, message: `${chain} seq ${row.seq}: ${what}: rows were removed` });
      }
    });
    const parsed = parseDecisionLogLines(chainRows.map((row) => row.line), chain, true);
    problems.push(...parsed.problems);
    decisions.push(...parsed.decisions.map((d) => ({ ...d, chain })));
  }
  return { file: name, decisions, problems, lines: rows.length };
}

/** `contents` are the log's lines without their newlines; `finalNewline` false: the last one had none. */
function parseDecisionLogLines(contents: readonly string[], file: string, finalNewline: boolean): DecisionLogContents {
  const problems: LogProblem[] = [];
  const decisions: LoggedDecision[] = [];
  const fail = (code: LogProblem['code'], line: number, message: string) => {
    problems.push({ code, line, message: `${file} line ${line}: ${message}` });
  };

  // The line before; seq/hash undefined when it could not be read (its fault is reported).
  let previous: { line: number; seq: number | undefined; hash: string | undefined } | null = null;
  contents.forEach((content, i) => {
    const line = i + 1;
    if (i === contents.length - 1 && !finalNewline) {
      fail('log-schema', line, 'has no final newline: an interrupted write, or an edit');
    }
    let doc: ParsedJson;
    try {
      if (content.trim() === '') throw new BlockgateError('bad-request', 'blank line');
      doc = parseJson(content, file, { code: 'bad-request', lineOffset: i });
    } catch (e) {
      if (!(e instanceof BlockgateError)) throw e;
      fail('log-schema', line, `is not a decision record: ${stripLocation(e.message, file)}`);
      previous = { line, seq: undefined, hash: undefined };
      return;
    }
    const value = doc.value as Record<string, unknown> | null;
    const schemaProblems: Problem[] = value !== null && typeof value === 'object' && !Array.isArray(value)
      ? validateRecord(doc, file)
      : [problem('bad-request', file, line, 'is not a JSON object')];
    for (const p of schemaProblems) fail('log-schema', line, stripLocation(p.message, file));
    if (schemaProblems.length === 0 && value!.error !== undefined && value!.allowed !== false) {
      fail('log-schema', line, 'records an error answer with allowed true');
    }

    const seq = Number.isSafeInteger(value?.seq) ? (value!.seq as number) : undefined;
    if (seq !== undefined) {
      if (previous === null && seq !== 1) fail('log-chain', line, `seq is ${seq}, but the first line must have seq 1 (lines before it were removed?)`);
      const before: { line: number; seq: number | undefined } | null = previous;
      if (before?.seq !== undefined && seq !== before.seq + 1) {
        fail('log-chain', line, `seq is ${seq}, expected ${before.seq + 1} (one more than line ${before.line}): a line was removed or added`);
      }
    }
    const prev = value?.prev;
    if (typeof prev === 'string' && /^[0-9a-f]{64}$/.test(prev)) {
      if (previous === null && prev !== GENESIS_PREV) fail('log-chain', line, 'prev must be 64 zeros on the first line');
      const before: { line: number; hash: string | undefined } | null = previous;
      if (before?.hash !== undefined && prev !== before.hash) {
        fail('log-chain', line, `prev does not match the hash of line ${before.line}: line ${before.line} was edited, or a line between was removed`);
      }
    }
    let hash: string | undefined;
    try {
      hash = recordHash(value);
    } catch {
      hash = undefined;
    }
    previous = { line, seq, hash };
    if (schemaProblems.length === 0) decisions.push({ record: value as unknown as DecisionLogRecord, line });
  });
  return { file, decisions, problems, lines: contents.length };
}

/** Messages are located by the reader itself; drop the parser's own "file line N: " prefix. */
function stripLocation(message: string, file: string): string {
  const prefix = new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?: line \\d+)?: `);
  return message.replace(prefix, '');
}
