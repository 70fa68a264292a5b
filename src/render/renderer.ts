// A result goes in, text comes out. No renderer knows about files, flags or WASM: each method
// takes one value (a decision, a plan, a matrix with its detail, a report) and a context.

import type { Problem } from '../errors.js';
import type { PrerequisitesMetAt } from '../engine/results.js';
import type { Finding, Report } from '../findings.js';
import type {
  BlockerInfo, Decision, MatrixRow, Plan, PolicyInfo, ReadinessReport, WhatIf,
} from '../gate/types.js';

export type { BlockerInfo, ReadinessReport };

/** A rule as the policy bundle's seal declares it (SPEC 6): its file, and its `# METADATA` title and description. */
export interface RuleMeta {
  file: string;
  title: string | null;
  description: string | null;
}

export interface RenderContext {
  /** ANSI colour (only on a TTY, never with NO_COLOR). */
  color: boolean;
  /** Terminal width for wrapping. */
  width: number;
  /**
   * The rules of the bundle that decided, by id (its seal's `rules`): what a format shows of a
   * rule beyond its denial (SARIF's rule descriptions, a matrix cell known only by its ids).
   * Absent or empty for the shipped bundle, which has no rules.
   */
  rules?: Readonly<Record<string, RuleMeta>>;
}

export type { Finding, Report };

/** `blockers`: the loaded blockers, so a denial can point at its map line (github, sarif, junit). */
/** `prerequisitesMetAt`: SPEC 2.3's T(b) of the blockers denied for a too-early grant, which the text says. */
export interface CheckResult { decision: Decision; plan?: Plan; blockers?: readonly BlockerInfo[]; prerequisitesMetAt?: PrerequisitesMetAt }

/**
 * What a matrix or what-if may carry beside SPEC's rows (a gate's Readiness carries all of it).
 * Everything is optional: with less, a format shows less (blocker ids only), never something else.
 */
export interface MatrixDetail {
  /** The loaded blockers, sorted by id. */
  blockers?: readonly BlockerInfo[];
  /** The full decision behind each row, in row order (for what-if: behind each `after` row). */
  decisions?: readonly Decision[];
  /** The policy that decided. */
  policy?: PolicyInfo;
}

/** A matrix as the formats take it: SPEC's rows and whatever detail there is. */
export interface MatrixResult extends MatrixDetail { rows: MatrixRow[] }

/** A what-if as the formats take it: SPEC's before, after and changes, and whatever detail there is. */
export interface WhatIfResult extends WhatIf, MatrixDetail {}

export interface Renderer {
  readonly format: string;
  /**
   * Where `error()` output goes: `stdout` for a format whose stdout is one document, errors
   * included (SPEC 3: json, junit, sarif); `stderr` for lines a person or a CI runner reads.
   */
  readonly errorsTo?: 'stdout' | 'stderr';
  check?(result: CheckResult, ctx: RenderContext): string;
  plan?(plan: Plan, ctx: RenderContext): string;
  matrix?(matrix: MatrixResult, ctx: RenderContext): string;
  whatIf?(whatIf: WhatIfResult, ctx: RenderContext): string;
  report?(report: Report, ctx: RenderContext): string;
  /** The readiness report as one page (`report --html`). */
  readiness?(report: ReadinessReport, ctx: RenderContext): string;
  /** Any other command's result object (ledger keygen, append, head): shown as is. */
  data?(value: Record<string, unknown>, ctx: RenderContext): string;
  /** An error: every problem it carries, the first being the error itself. */
  error?(problems: readonly Problem[], ctx: RenderContext): string;
}
