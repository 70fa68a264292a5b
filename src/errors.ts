// Errors are values with a stable SPEC code; the CLI maps codes to exit codes in one place.

import { quoted } from './quote.js';

/** Codes for invalid input (exit 3). */
export const INPUT_ERROR_CODES = [
  'map-none', 'map-parse', 'map-schema', 'map-conflict',
  'trust-parse', 'trust-schema',
  'catalog-parse', 'catalog-schema',
  'config-parse', 'config-schema',
  'ledger-schema', 'ledger-sequence', 'ledger-chain', 'ledger-duplicate-id', 'ledger-dangling-revoke', 'ledger-signature',
  'ledger-truncated',
  'bad-time', 'unknown-action', 'unknown-environment', 'bad-request',
  'rule-build', 'rule-conflict',
  // `ledger append` refusing an entry the ledger would take but that would not do what was
  // meant (an unknown name, an expired or mis-dated entry, a revoke without effect); --force appends it.
  'append-unknown-name', 'append-unknown-blocker', 'append-bad-time', 'append-without-effect',
] as const;

/** The input errors `ledger append --force` lets through: the entry is valid, only doubtful. */
export const APPEND_REFUSAL_CODES = ['append-unknown-name', 'append-unknown-blocker', 'append-bad-time', 'append-without-effect'] as const satisfies readonly InputErrorCode[];
export type AppendRefusalCode = (typeof APPEND_REFUSAL_CODES)[number];

/** Codes for every other failure (exit 1). */
export const FAILURE_CODES = ['usage', 'bundle-seal', 'io', 'internal', 'rule-error'] as const;

export type InputErrorCode = (typeof INPUT_ERROR_CODES)[number];
export type FailureCode = (typeof FAILURE_CODES)[number];
export type ErrorCode = InputErrorCode | FailureCode;

// Codes of findings and warnings, which report without failing. With the error codes above they
// are every code blockgate shows: a closed set, so a renderer or a log never meets a stranger.

/** SPEC 1.4: why a single entry is only ignored (found by `validate` and `ledger verify`). */
export const IGNORED_ENTRY_CODES = ['unknown-key', 'role-mismatch'] as const;

/** What the policy's lint finds (policies/blockgate/lint.rego). */
export const LINT_CODES = [
  'no-role', 'ambiguous-actor', 'unknown-after', 'unknown-tag', 'never-applies', 'unknown-resolved', 'unknown-resolves',
  'unknown-action', 'unknown-environment', 'role-without-key', 'role-not-required',
] as const;

/** Warnings a decision carries (policies/blockgate/decision.rego). */
export const WARNING_CODES = ['blocker-applies-nowhere', 'ledger-not-verified', 'revoke-without-effect'] as const;

/** What `replay` finds in a decision log (beside `ledger-truncated`, an error code). */
export const DECISION_LOG_CODES = ['log-schema', 'log-chain', 'ledger-rewritten', 'decision-changed', 'not-replayable', 'policy-changed'] as const;

export type IgnoredEntryCode = (typeof IGNORED_ENTRY_CODES)[number];
export type LintCode = (typeof LINT_CODES)[number];
export type WarningCode = (typeof WARNING_CODES)[number];
export type DecisionLogCode = (typeof DECISION_LOG_CODES)[number];
/** The code of a finding in a report (`validate`, `ledger verify`, `replay`). */
export type FindingCode = ErrorCode | IgnoredEntryCode | LintCode | DecisionLogCode;

export const ERROR_CODES: readonly ErrorCode[] = [...INPUT_ERROR_CODES, ...FAILURE_CODES];

/** One problem found in an input; `message` always names the file (and line, where there is one). */
export interface Problem {
  code: ErrorCode;
  message: string;
  file?: string;
  line?: number;
}

export class BlockgateError extends Error {
  readonly code: ErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;
  /** Every problem found, when a stage collected several; the first is this error itself. */
  readonly problems: readonly Problem[];

  constructor(code: ErrorCode, message: string, where: { file?: string; line?: number } = {}, more: Problem[] = []) {
    super(message);
    this.name = 'BlockgateError';
    this.code = code;
    this.file = where.file;
    this.line = where.line;
    this.problems = [this.toProblem(), ...more];
  }

  static fromProblems(problems: Problem[]): BlockgateError {
    const [first, ...rest] = problems;
    if (!first) return new BlockgateError('internal', 'no problem given');
    return new BlockgateError(first.code, first.message, { file: first.file, line: first.line }, rest);
  }

  toProblem(): Problem {
    const p: Problem = { code: this.code, message: this.message };
    if (this.file !== undefined) p.file = this.file;
    if (this.line !== undefined) p.line = this.line;
    return p;
  }
}

export function isInputError(code: ErrorCode): code is InputErrorCode {
  return (INPUT_ERROR_CODES as readonly string[]).includes(code);
}

/**
 * `code` when it is one of `codes`. A code from outside the host (the policy) that is not is an
 * `internal` error: it is never passed on, and nothing is decided on it.
 */
export function knownCode<C extends string>(codes: readonly C[], code: unknown, what: string): C {
  if (typeof code !== 'string') throw new BlockgateError('internal', `${what} has no code (a string)`);
  if (!(codes as readonly string[]).includes(code)) throw new BlockgateError('internal', `${what} has the code ${quoted(code)}, which blockgate does not know`);
  return code as C;
}

/** "file line N: message", or "file: message" when there is no line. */
export function located(file: string, line: number | undefined, message: string): string {
  return line === undefined ? `${file}: ${message}` : `${file} line ${line}: ${message}`;
}

/** An `io` error naming the file and the system's reason (its errno code). */
export function ioError(file: string, message: string, cause: unknown): BlockgateError {
  const why = (cause as NodeJS.ErrnoException | null)?.code ?? String(cause);
  return new BlockgateError('io', `${file}: ${message}: ${why}`, { file });
}

export function problem(code: ErrorCode, file: string, line: number | undefined, message: string): Problem {
  const p: Problem = { code, message: located(file, line, message), file };
  if (line !== undefined) p.line = line;
  return p;
}
