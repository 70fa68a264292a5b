// One decision log line: what was asked, what was answered, over which policy and ledger head,
// chained to the line before it like the ledger (seq, and prev = hash of the previous line).

import { randomUUID } from 'node:crypto';
import { BlockgateError, type ErrorCode } from '../errors.js';
import { resolveTime } from '../gate/request.js';
import { parseJson } from '../load/json.js';
import type { DecisionWithHead, PolicyInfo, Request, RequestEcho } from '../gate/types.js';
import { canonicalJson, sha256Hex } from '../schema/canonical.js';
import { GENESIS_PREV, type LedgerHead } from '../ledger/ledger.js';
import { formatTime } from '../schema/time.js';

export { GENESIS_PREV };

/** A decision as logged, before the log gives it its place in the chain. */
export interface DecisionLogDraft {
  decision_id: string;
  /** When the answer was given (the wall clock), RFC 3339 UTC. */
  timestamp: string;
  /** The request as decided: `at` is the instant the policy decided for. */
  request: RequestEcho;
  allowed: boolean;
  /** Blocker ids of the denials, in the decision's order. */
  denials: string[];
  /** The command line the decision gated (`blockgate exec`), when it gated one. */
  command?: string[];
  /** Present when the answer was a fail-closed error (inputs invalid): nothing was decided. */
  error?: { code: ErrorCode; message: string };
  /** The sealed bundle that decided; null for an error answer. */
  policy: PolicyInfo | null;
  /** The last ledger entry the decision saw; null for an empty ledger or an error answer. */
  ledger_head: LedgerHead | null;
}

export interface DecisionLogRecord extends DecisionLogDraft {
  /** 1 on the first line, +1 on each next line. */
  seq: number;
  /** sha256Hex of the canonical previous line (whole); 64 zeros on line 1. */
  prev: string;
}

/** The order fields are written in, so a log reads well; the hash does not depend on it. */
const LINE_ORDER = ['seq', 'decision_id', 'timestamp', 'request', 'allowed', 'denials', 'command', 'error', 'policy', 'ledger_head', 'prev'] as const;

export function draftOfDecision(answer: DecisionWithHead, now: number = Date.now(), id: string = randomUUID()): DecisionLogDraft {
  const { decision, ledgerHead } = answer;
  return {
    decision_id: id,
    timestamp: formatTime(now),
    request: decision.request,
    allowed: decision.allowed,
    denials: decision.denials.map((d) => d.blocker_id),
    policy: decision.policy,
    ledger_head: ledgerHead === null ? null : { seq: ledgerHead.seq, hash: ledgerHead.hash },
  };
}

/**
 * The request as a line records it when the inputs could not be loaded to decide it: `at`
 * resolved (a malformed time throws `bad-time`: that is the request's fault, not a decision).
 */
export function requestEchoOf(request: Request, what = '--at'): RequestEcho {
  return { action: request.action, environment: request.environment, target: request.target ?? null, at: formatTime(resolveTime(request.at, what)) };
}

/** A fail-closed answer: the inputs could not be loaded, so the request was refused unheard. */
export function draftOfError(request: RequestEcho, error: BlockgateError, now: number = Date.now(), id: string = randomUUID()): DecisionLogDraft {
  return {
    decision_id: id,
    timestamp: formatTime(now),
    request,
    allowed: false,
    denials: [],
    error: { code: error.code, message: error.message },
    policy: null,
    ledger_head: null,
  };
}

export function chained(draft: DecisionLogDraft, seq: number, prev: string): DecisionLogRecord {
  return { ...draft, seq, prev };
}

/** Where a chain stands: its last line's seq and hash. */
export interface ChainTail { seq: number; hash: string }

/** A chain with no line yet. */
export const EMPTY_CHAIN: ChainTail = Object.freeze({ seq: 0, hash: GENESIS_PREV });

/** `drafts` given their places after `tail`: the records, their lines, and the tail they leave. */
export function chainAfter(tail: ChainTail, drafts: readonly DecisionLogDraft[]): { records: DecisionLogRecord[]; lines: string[]; tail: ChainTail } {
  let { seq, hash } = tail;
  const records: DecisionLogRecord[] = [];
  const lines: string[] = [];
  for (const draft of drafts) {
    const record = chained(draft, seq + 1, hash);
    seq = record.seq;
    hash = recordHash(record);
    records.push(record);
    lines.push(recordLine(record));
  }
  return { records, lines, tail: { seq, hash } };
}

/** The hash the next line's `prev` must carry: over the canonical form of the whole line. */
export function recordHash(record: unknown): string {
  return sha256Hex(canonicalJson(record));
}

/** One log line (without its newline), fields in LINE_ORDER. */
export function recordLine(record: DecisionLogRecord): string {
  const ordered: Record<string, unknown> = {};
  for (const name of LINE_ORDER) if (record[name] !== undefined) ordered[name] = record[name];
  return JSON.stringify(ordered);
}

/** The chain position a log's last line leaves; a line that is no record is refused (io): nothing is chained onto it. */
export function tailOfLine(text: string, file: string): ChainTail {
  let value: unknown;
  try {
    value = parseJson(text, file, { code: 'io' }).value;
  } catch {
    throw new BlockgateError('io', `${file}: the last line of the decision log is not JSON; nothing was appended: run 'blockgate replay' on it`, { file });
  }
  const seq = (value as { seq?: unknown } | null)?.seq;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Number.isSafeInteger(seq) || (seq as number) < 1) {
    throw new BlockgateError('io', `${file}: the last line of the decision log has no valid seq; nothing was appended: run 'blockgate replay' on it`, { file });
  }
  return { seq: seq as number, hash: recordHash(value) };
}
