// The one place that decides exit codes (SPEC 3).

import { BlockgateError, isInputError } from '../errors.js';

export const EXIT = { ok: 0, failure: 1, denied: 2, invalid: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** 3 for invalid input; 1 for everything else (usage, a bad bundle, an internal error). Never 0 or 2. */
export function exitCodeForError(error: unknown): ExitCode {
  return error instanceof BlockgateError && isInputError(error.code) ? EXIT.invalid : EXIT.failure;
}

export function exitCodeForDecision(allowed: boolean): ExitCode {
  return allowed === true ? EXIT.ok : EXIT.denied;
}

export function exitCodeForReport(valid: boolean): ExitCode {
  return valid === true ? EXIT.ok : EXIT.invalid;
}
