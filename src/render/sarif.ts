// SARIF 2.1.0 for code-scanning tools: one rule per blocker or rule id, one error result per
// denial, located at the blocker's map file (and line, when known) or at the rule's file.

import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Log, Notification, ReportingDescriptor, Result, Run } from 'sarif';
import type { Problem } from '../errors.js';
import type { Plan, PolicyInfo } from '../gate/types.js';
import { cellOfDecision, deniedVerb, denierOf, isRule, itemOf, matrixCells, nextActionOf, problemOf, sourceOf, whatIfCells, type Cell, type CellDenial } from './cells.js';
import { cellName } from './phrases.js';
import type { MatrixDetail, MatrixResult, RenderContext, Renderer, WhatIfResult } from './renderer.js';
import { planSentences } from './text.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** A map path as a URI reference: relative paths stay relative (to the checkout), segment by segment. */
export function artifactUri(file: string): string {
  // A lone surrogate has no UTF-8 form for a URI: it is shown as U+FFFD, never a thrown URIError.
  const wellFormed = file.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  if (isAbsolute(wellFormed)) return pathToFileURL(wellFormed).href;
  return wellFormed.split('/').map((segment) => encodeURIComponent(segment)).join('/');
}

/**
 * A rule's descriptor: named and described by its `# METADATA` title and description (from the
 * seal), else by its id and the message it denied with.
 */
function ruleOfRule(d: CellDenial): ReportingDescriptor {
  const message = d.denial?.item ?? null;
  const title = d.rule?.title ?? null;
  const description = d.rule?.description ?? null;
  const next = nextActionOf(d);
  const r: ReportingDescriptor = {
    id: d.blocker_id,
    name: title ?? d.blocker_id,
    shortDescription: { text: title ?? message ?? `rule ${d.blocker_id}` },
    defaultConfiguration: { level: 'error' },
  };
  if (description) r.fullDescription = { text: description };
  if (next) r.help = { text: `Next action: ${next}` };
  const file = sourceOf(d)?.file;
  r.properties = { kind: 'rule', ...(file === undefined ? {} : { source: file }) };
  return r;
}

function rule(d: CellDenial): ReportingDescriptor {
  if (isRule(d)) return ruleOfRule(d);
  const item = itemOf(d);
  const next = nextActionOf(d);
  const r: ReportingDescriptor = {
    id: d.blocker_id,
    shortDescription: { text: item ?? d.blocker_id },
    defaultConfiguration: { level: 'error' },
  };
  if (next) r.help = { text: `Next action: ${next}` };
  const roles = d.denial?.required_roles ?? d.blocker?.required_roles;
  const mode = d.denial?.mode ?? d.blocker?.mode;
  const blocks = d.denial?.blocks ?? d.blocker?.blocks;
  const properties: Record<string, unknown> = {};
  if (roles) properties.required_roles = roles;
  if (mode) properties.mode = mode;
  if (blocks) properties.blocks = blocks;
  if (d.blocker) properties.evidence_required = d.blocker.evidence_required;
  if (Object.keys(properties).length > 0) r.properties = properties;
  return r;
}

function result(cell: Cell, d: CellDenial, ruleIndex: number): Result {
  const problem = problemOf(d);
  const next = nextActionOf(d);
  const verb = deniedVerb(cell);
  let text = `${cellName(cell)} ${verb} by ${denierOf(d)}${problem === '' ? '' : `: ${problem}`}.`;
  if (next) text += ` Next: ${next}`;
  const r: Result = { ruleId: d.blocker_id, ruleIndex, level: 'error', message: { text } };
  const source = sourceOf(d);
  if (source) {
    r.locations = [{
      physicalLocation: {
        artifactLocation: { uri: artifactUri(source.file) },
        ...(source.line === undefined ? {} : { region: { startLine: source.line } }),
      },
    }];
  }
  // The same blocker denies many cells from one place in the map: each cell is its own finding.
  r.partialFingerprints = { 'blockgateCell/v1': `${cellName(cell)}/${d.blocker_id}` };
  const properties: Record<string, unknown> = { action: cell.action, environment: cell.environment, target: cell.target };
  if (d.denial) {
    if (isRule(d)) properties.kind = 'rule';
    properties.missing_roles = d.denial.missing_roles;
    properties.reasons = d.denial.reasons;
  }
  if (cell.before) properties.allowed_before = cell.before.allowed;
  r.properties = properties;
  return r;
}

function log(cells: Cell[], runProperties: Record<string, unknown>, policy?: PolicyInfo): string {
  const rules: ReportingDescriptor[] = [];
  const index = new Map<string, number>();
  const denials = cells.flatMap((cell) => cell.denials.map((d) => ({ cell, d })));
  for (const { d } of [...denials].sort((a, b) => (a.d.blocker_id < b.d.blocker_id ? -1 : a.d.blocker_id > b.d.blocker_id ? 1 : 0))) {
    if (!index.has(d.blocker_id)) {
      index.set(d.blocker_id, rules.length);
      rules.push(rule(d));
    }
  }
  const run: Run = {
    tool: { driver: { name: 'blockgate', ...(policy ? { version: policy.revision } : {}), rules } },
    results: denials.map(({ cell, d }) => result(cell, d, index.get(d.blocker_id)!)),
    properties: { ...runProperties, ...(policy ? { policy } : {}) },
  };
  const doc: Log = { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function policyOf(cells: Cell[], detail: MatrixDetail): PolicyInfo | undefined {
  return detail.policy ?? cells.find((c) => c.decision)?.decision?.policy;
}

function checkLog(cell: Cell, plan: Plan | undefined): string {
  const d = cell.decision!;
  const props: Record<string, unknown> = { request: d.request, allowed: d.allowed };
  if (d.warnings.length > 0) props.warnings = d.warnings;
  if (plan && !d.allowed) props.plan = { ...plan, instructions: planSentences(plan, undefined, d.denials) };
  return log([cell], props, d.policy);
}

function matrixLog(m: MatrixResult, ctx?: RenderContext): string {
  const cells = matrixCells(m, ctx?.rules);
  const at = cells.find((c) => c.decision)?.decision?.request.at;
  const props: Record<string, unknown> = {
    cells: cells.length, allowed_cells: cells.filter((c) => c.allowed).length, ...(at ? { at } : {}),
  };
  return log(cells, props, policyOf(cells, m));
}

function whatIfLog(w: WhatIfResult, ctx?: RenderContext): string {
  const cells = whatIfCells(w, ctx?.rules);
  return log(cells, { changes: w.changes, allowed_cells: cells.filter((c) => c.allowed).length }, policyOf(cells, w));
}

/**
 * An error as a log code scanning can still upload (SPEC 3): a run with no results whose
 * invocation failed, one tool execution notification per problem, with its code and message.
 */
function errorLog(all: readonly Problem[]): string {
  const notifications: Notification[] = all.map((p) => {
    const n: Notification = { level: 'error', message: { text: p.message }, descriptor: { id: p.code } };
    if (p.file !== undefined) {
      n.locations = [{
        physicalLocation: {
          artifactLocation: { uri: artifactUri(p.file) },
          ...(p.line === undefined ? {} : { region: { startLine: p.line } }),
        },
      }];
    }
    return n;
  });
  const run: Run = {
    tool: { driver: { name: 'blockgate', rules: [] } },
    invocations: [{ executionSuccessful: false, toolExecutionNotifications: notifications }],
    results: [],
    properties: { allowed: false, error: { code: all[0]?.code, message: all[0]?.message } },
  };
  const doc: Log = { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export const sarifRenderer = {
  format: 'sarif',
  errorsTo: 'stdout',
  check: ({ decision, plan, blockers }, ctx) => checkLog(cellOfDecision(decision, ctx?.rules, blockers), plan),
  matrix: (m, ctx) => matrixLog(m, ctx),
  whatIf: (w, ctx) => whatIfLog(w, ctx),
  error: (problems) => errorLog(problems),
} satisfies Renderer;
