import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlockgateError } from '../errors.js';
import { canonicalJson, sha256Hex } from '../schema/canonical.js';
import { DecisionLog, appendDecision } from './writer.js';
import { parseDecisionLogText, readDecisionLog } from './reader.js';
import { GENESIS_PREV, type DecisionLogDraft } from './record.js';
import { decisionDraft } from '../../test/support/decision-log.js';

const HEAD = { seq: 3, hash: 'a'.repeat(64) };

/** The n-th draft, over ledger head HEAD. */
const draft = (n: number, extra: Partial<DecisionLogDraft> = {}): DecisionLogDraft => decisionDraft(n, { ledger_head: HEAD, ...extra });

const freshLog = () => join(mkdtempSync(join(tmpdir(), 'blockgate-dlog-')), 'decisions.jsonl');
const linesOf = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');

describe('DecisionLog', () => {
  it('writes one chained line per decision, the first chained to 64 zeros', async () => {
    const file = freshLog();
    const first = await appendDecision(file, draft(1));
    const second = await appendDecision(file, draft(2));
    expect(first.seq).toBe(1);
    expect(first.prev).toBe(GENESIS_PREV);
    expect(second.seq).toBe(2);
    // prev is the SHA-256 of the canonical form of the whole previous line.
    expect(second.prev).toBe(sha256Hex(canonicalJson(JSON.parse(linesOf(file)[0]!))));
    const log = readDecisionLog(file);
    expect(log.problems).toEqual([]);
    expect(log.decisions.map((d) => d.record.decision_id)).toEqual(['d-1', 'd-2']);
    // The line reads in a fixed field order.
    expect(Object.keys(JSON.parse(linesOf(file)[0]!))).toEqual(
      ['seq', 'decision_id', 'timestamp', 'request', 'allowed', 'denials', 'policy', 'ledger_head', 'prev']);
  });

  it('keeps one chain when many decisions arrive at once, and from several writers', async () => {
    const file = freshLog();
    const a = await DecisionLog.open(file);
    const b = await DecisionLog.open(file);
    const records = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).append(draft(i))));
    await Promise.all([a.close(), b.close()]);
    expect(records.map((r) => r.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const log = readDecisionLog(file);
    expect(log.problems).toEqual([]);
    expect(log.decisions).toHaveLength(40);
  });

  it('records a fail-closed error answer', async () => {
    const file = freshLog();
    await appendDecision(file, draft(1, { allowed: false, denials: [], error: { code: 'ledger-chain', message: 'x' }, policy: null, ledger_head: null }));
    const log = readDecisionLog(file);
    expect(log.problems).toEqual([]);
    expect(log.decisions[0]!.record.error).toEqual({ code: 'ledger-chain', message: 'x' });
  });

  it('refuses to chain onto a torn or damaged last line', async () => {
    const file = freshLog();
    await appendDecision(file, draft(1));
    appendFileSync(file, '{"seq":2,"decision_id":"d-');
    const torn = await appendDecision(file, draft(2)).catch((e: unknown) => e);
    expect(torn).toBeInstanceOf(BlockgateError);
    expect((torn as BlockgateError).code).toBe('io');
    expect((torn as BlockgateError).message).toMatch(/does not end with a newline/);

    writeFileSync(file, 'not json\n');
    const damaged = await appendDecision(file, draft(2)).catch((e: unknown) => e);
    expect((damaged as BlockgateError).message).toMatch(/last line of the decision log is not JSON/);
  });

  it('waits for another writer\'s lock, then gives up with io naming the decision log', async () => {
    const file = freshLog();
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), token: 'other', since: '2026-11-25T12:00:00.000Z' }));
    const e = await appendDecision(file, draft(1), { lockTimeoutMs: 100 }).catch((err: unknown) => err);
    expect((e as BlockgateError).code).toBe('io');
    expect((e as BlockgateError).message).toMatch(/^.*decisions\.jsonl\.lock: the decision log is locked \(held by process \d+ on /);
  });

  it('names the file when its directory does not exist', async () => {
    const e = await DecisionLog.open('/nonexistent-dir-blockgate/x.jsonl').catch((err: unknown) => err);
    expect((e as BlockgateError).code).toBe('io');
    expect((e as BlockgateError).message).toMatch(/nonexistent-dir-blockgate\/x\.jsonl/);
  });
});

describe('reading a decision log', () => {
  async function logText(n: number): Promise<string> {
    const file = freshLog();
    for (let i = 1; i <= n; i++) await appendDecision(file, draft(i));
    return readFileSync(file, 'utf8');
  }

  it('detects an edited line at the next line', async () => {
    const lines = (await logText(3)).split('\n');
    lines[1] = lines[1]!.replace('"allowed":true', '"allowed":false');
    const log = parseDecisionLogText(lines.join('\n'), 'd.jsonl');
    expect(log.problems).toEqual([
      { code: 'log-chain', line: 3, message: expect.stringMatching(/^d\.jsonl line 3: prev does not match the hash of line 2: line 2 was edited/) },
    ]);
  });

  it('detects a deleted line', async () => {
    const lines = (await logText(3)).split('\n');
    lines.splice(1, 1);
    const log = parseDecisionLogText(lines.join('\n'), 'd.jsonl');
    expect(log.problems.map((p) => [p.code, p.line])).toEqual([['log-chain', 2], ['log-chain', 2]]);
    expect(log.problems[0]!.message).toMatch(/seq is 3, expected 2/);
  });

  it('detects a deleted first line, a torn tail, and lines that are no record', async () => {
    const text = await logText(2);
    const withoutFirst = text.split('\n').slice(1).join('\n');
    expect(parseDecisionLogText(withoutFirst, 'd.jsonl').problems.map((p) => p.code)).toEqual(['log-chain', 'log-chain']);

    const torn = text.slice(0, -20);
    const tornLog = parseDecisionLogText(torn, 'd.jsonl');
    expect(tornLog.problems[0]).toMatchObject({ code: 'log-schema', line: 2, message: expect.stringMatching(/no final newline/) });

    const extra = `${text}{"seq":3,"surprise":true}\n\n`;
    const extraLog = parseDecisionLogText(extra, 'd.jsonl');
    expect(extraLog.problems.map((p) => [p.code, p.line])).toEqual(expect.arrayContaining([['log-schema', 3], ['log-schema', 4]]));
    expect(extraLog.decisions).toHaveLength(2);
  });

  it('refuses an error line whose code is not a blockgate error code', async () => {
    const file = freshLog();
    await appendDecision(file, draft(1, { allowed: false, denials: [], error: { code: 'ledger-chain', message: 'x' }, policy: null, ledger_head: null }));
    const text = readFileSync(file, 'utf8').replace('"code":"ledger-chain"', '"code":"all-fine"');
    const log = parseDecisionLogText(text, 'd.jsonl');
    expect(log.problems).toEqual([{ code: 'log-schema', line: 1, message: expect.stringMatching(/^d\.jsonl line 1: \/error\/code: must be one of \[.*"ledger-chain".*\]$/) }]);
    expect(log.decisions).toEqual([]);
  });

  it('refuses an error line that claims allowed', async () => {
    const file = freshLog();
    await appendDecision(file, draft(1, { allowed: false, error: { code: 'ledger-chain', message: 'y' }, policy: null, ledger_head: null }));
    const text = readFileSync(file, 'utf8').replace('"allowed":false', '"allowed":true');
    expect(parseDecisionLogText(text, 'd.jsonl').problems[0]!.message).toMatch(/error answer with allowed true/);
  });
});
