// GitHub Actions workflow commands: one `::error` annotation per denial, titled with the
// blocker id (or "rule ID") and placed on its map file (or the rule's file), then one plain
// summary line for the log.

import type { Warning } from '../engine/results.js';
import type { Plan } from '../gate/types.js';
import { cellOfDecision, deniedVerb, denierOf, matrixCells, nextActionOf, problemOf, sourceOf, whatIfCells, type Cell, type CellDenial } from './cells.js';
import { cellName, denialCounts, rulesDenyingTail } from './phrases.js';
import type { RenderContext, Renderer, WhatIfResult } from './renderer.js';
import { visible } from './escape.js';
import { planSentences } from './text.js';

/**
 * A command's message: `%`, CR and LF escaped, as GitHub's runner unescapes them (a line break
 * stays a line break in the annotation); every other control character is made visible.
 */
export function escapeData(value: string): string {
  return visibleExceptLineBreaks(value).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function visibleExceptLineBreaks(value: string): string {
  return value.split(/(\r\n|\r|\n)/).map((part, i) => (i % 2 === 1 ? part : visible(part))).join('');
}

/** A line the runner shows as it is and does not unescape: nothing in it may start a line of its own. */
function plainLine(text: string): string {
  return visible(text);
}

/** A command's property value: as a message, plus `:` and `,`, which end a property. */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

type Level = 'error' | 'warning' | 'notice';

export function command(level: Level, props: Record<string, string | number | undefined>, message: string): string {
  const list = Object.entries(props)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${level}${list === '' ? '' : ` ${list}`}::${escapeData(message)}`;
}

function denialAnnotation(cell: Cell, d: CellDenial): string {
  const source = sourceOf(d);
  const problem = problemOf(d);
  const next = nextActionOf(d);
  const verb = deniedVerb(cell);
  const by = denierOf(d);
  let message = `${cellName(cell)} ${verb} by ${by}${problem === '' ? '' : `: ${problem}`}.`;
  if (next) message += `\nNext: ${next}`;
  return command('error', { title: by, file: source?.file, line: source?.line }, message);
}

function warningAnnotations(warnings: readonly Warning[]): string[] {
  return warnings.map((w) => command('warning', { title: w.code }, w.message));
}

function checkCommands(cell: Cell, plan: Plan | undefined): string {
  const d = cell.decision!;
  const lines = [...warningAnnotations(d.warnings), ...cell.denials.map((x) => denialAnnotation(cell, x))];
  if (plan && !d.allowed) lines.push(command('notice', { title: `blockgate plan for ${cellName(cell)}` }, planSentences(plan, undefined, d.denials).join('\n')));
  const { blockers, rules } = denialCounts(d.denials);
  const applicable = blockers + d.satisfied.length;
  lines.push(plainLine(d.allowed
    ? `blockgate: ${cellName(cell)} at ${d.request.at} is allowed (${applicable} applicable blocker${applicable === 1 ? '' : 's'}, all satisfied)`
    : `blockgate: ${cellName(cell)} at ${d.request.at} is denied (${blockers} of ${applicable} applicable blocker${applicable === 1 ? '' : 's'} not satisfied${rulesDenyingTail(rules)})`));
  return `${lines.join('\n')}\n`;
}

function warningsOf(cells: readonly Cell[]): Warning[] {
  // Warnings concern the inputs, so every cell repeats them: say each once.
  const seen = new Map<string, Warning>();
  for (const c of cells) for (const w of c.decision?.warnings ?? []) seen.set(`${w.code}\u0000${w.message}`, w);
  return [...seen.values()];
}

/** Each action's denial annotations in a group of the log (`::group::apply` ... `::endgroup::`). */
function groupedDenials(cells: readonly Cell[]): string[] {
  const lines: string[] = [];
  const actions = [...new Set(cells.map((c) => c.action))];
  for (const action of actions) {
    lines.push(`::group::${escapeData(action)}`);
    for (const cell of cells) if (cell.action === action) for (const d of cell.denials) lines.push(denialAnnotation(cell, d));
    lines.push('::endgroup::');
  }
  return lines;
}

function matrixCommands(cells: Cell[], what: string): string {
  const lines = warningAnnotations(warningsOf(cells));
  lines.push(...groupedDenials(cells));
  const allowed = cells.filter((c) => c.allowed).length;
  lines.push(plainLine(`blockgate ${what}: ${allowed} of ${cells.length} cell${cells.length === 1 ? '' : 's'} allowed`));
  return `${lines.join('\n')}\n`;
}

function whatIfCommands(w: WhatIfResult, ctx?: RenderContext): string {
  const cells = whatIfCells(w, ctx?.rules);
  const lines = warningAnnotations(warningsOf(cells));
  for (const c of w.changes) {
    const name = cellName({ action: c.action, environment: c.environment, target: null });
    const state = (allowed: boolean) => (allowed ? 'allowed' : 'denied');
    lines.push(command('notice', { title: `what-if ${name}` }, `${name}: ${state(c.before)} -> ${state(c.after)}`));
  }
  for (const cell of cells) for (const d of cell.denials) lines.push(denialAnnotation(cell, d));
  const allowed = cells.filter((c) => c.allowed).length;
  lines.push(plainLine(`blockgate what-if: ${allowed} of ${cells.length} cells allowed after the changes; ${w.changes.length} changed`));
  return `${lines.join('\n')}\n`;
}

export const githubRenderer = {
  format: 'github',
  errorsTo: 'stderr',
  check: ({ decision, plan, blockers }, ctx) => checkCommands(cellOfDecision(decision, ctx?.rules, blockers), plan),
  matrix: (m, ctx) => matrixCommands(matrixCells(m, ctx?.rules), 'matrix'),
  whatIf: (w, ctx) => whatIfCommands(w, ctx),
  // Errors go to stderr, where the runner reads workflow commands too.
  error: (problems) => `${problems.map((p) => command('error', { title: `blockgate ${p.code}` }, p.message)).join('\n')}\n`,
} satisfies Renderer;
