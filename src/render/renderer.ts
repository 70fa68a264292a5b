// A result goes in, text comes out. No renderer knows about files, flags or WASM.

import type { Decision, MatrixRow, Plan, WhatIf } from '../gate.js';
import type { Problem } from '../errors.js';

export interface RenderContext {
  /** ANSI colour (only on a TTY, never with NO_COLOR). */
  color: boolean;
  /** Terminal width for wrapping. */
  width: number;
}

/** What `validate` and `ledger verify` report. */
export interface Finding {
  severity: 'error' | 'warning';
  code: string;
  message: string;
}

export interface Report {
  /** "validate" or "ledger verify". */
  subject: string;
  valid: boolean;
  findings: Finding[];
  /** Facts to show beside the findings (e.g. entries read, the ledger head). */
  facts: Record<string, string | number | null>;
}

export interface CheckResult { decision: Decision; plan?: Plan }

export interface Renderer {
  readonly format: string;
  check(result: CheckResult, ctx: RenderContext): string;
  plan?(plan: Plan, ctx: RenderContext): string;
  matrix?(rows: MatrixRow[], ctx: RenderContext): string;
  whatIf?(whatIf: WhatIf, ctx: RenderContext): string;
  report?(report: Report, ctx: RenderContext): string;
  /** Any other command's result object (ledger keygen, append, head): shown as is. */
  data?(value: Record<string, unknown>, ctx: RenderContext): string;
  error(problem: Problem, all: readonly Problem[], ctx: RenderContext): string;
}
