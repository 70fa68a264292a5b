// A result goes in, text comes out. No renderer knows about files, flags or WASM.

import type { Denial } from '../engine/results.js';
import type { Decision, MatrixRow, Plan, PolicyInfo, WhatIf } from '../gate.js';
import type { FindingCode, Problem } from '../errors.js';

export interface RenderContext {
  /** ANSI colour (only on a TTY, never with NO_COLOR). */
  color: boolean;
  /** Terminal width for wrapping. */
  width: number;
}

/** What `validate` and `ledger verify` report. */
export interface Finding {
  severity: 'error' | 'warning';
  code: FindingCode;
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

/**
 * A blocker as its map defines it: what a format can show beside a decision's blocker ids. The
 * fields it shares with a denial mean the same (`actor_needed` as written, `blocks` sorted).
 */
export interface BlockerInfo extends Pick<Denial, 'item' | 'next_action' | 'actor_needed' | 'blocks' | 'required_roles' | 'mode' | 'source'> {
  id: string;
  evidence_required: boolean;
  /** Prerequisite blocker ids (SPEC 2.3). */
  after: string[];
  /** Its line in the map, when known. */
  line?: number;
}

/**
 * What the matrix and what-if formats may get beside SPEC's rows. Everything is optional: with
 * less, a format shows less (blocker ids only), never something else.
 */
export interface MatrixDetail {
  /** The loaded blockers by id. */
  blockers?: ReadonlyMap<string, BlockerInfo>;
  /** The full decision behind each row, in row order (for what-if: behind each `after` row). */
  decisions?: readonly Decision[];
  /** The policy that decided. */
  policy?: PolicyInfo;
}

/** Everything `blockgate report` shows: the readiness of every cell at one time. */
export interface ReadinessReport {
  /** RFC 3339. */
  at: string;
  policy: PolicyInfo;
  /** The blocker map files. */
  maps: string[];
  ledger: { file: string | null; entries: number; verified: boolean };
  rows: MatrixRow[];
  /** The full decision behind each row, in row order. */
  decisions: Decision[];
  /** The plan for each denied row, in row order; null for an allowed row. */
  plans: (Plan | null)[];
  /** Every loaded blocker, sorted by id. */
  blockers: BlockerInfo[];
}

export interface Renderer {
  readonly format: string;
  /**
   * Where `error()` output goes: `stdout` for a format whose stdout is one document, errors
   * included (SPEC 3: json, junit, sarif); `stderr` for lines a person or a CI runner reads.
   */
  readonly errorsTo: 'stdout' | 'stderr';
  check(result: CheckResult, ctx: RenderContext): string;
  plan?(plan: Plan, ctx: RenderContext): string;
  matrix?(rows: MatrixRow[], ctx: RenderContext, detail?: MatrixDetail): string;
  whatIf?(whatIf: WhatIf, ctx: RenderContext, detail?: MatrixDetail): string;
  report?(report: Report, ctx: RenderContext): string;
  /** Any other command's result object (ledger keygen, append, head): shown as is. */
  data?(value: Record<string, unknown>, ctx: RenderContext): string;
  error(problem: Problem, all: readonly Problem[], ctx: RenderContext): string;
}
