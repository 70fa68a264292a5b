// Text for people: fits an 80-column terminal, colour only when the context allows it.

import type { Denial, PrerequisitesMetAt } from '../engine/results.js';
import type { Decision, MatrixRow, Plan, WhatIf } from '../gate/types.js';
import type { Problem } from '../errors.js';
import { visibleDeep } from './escape.js';
import {
  AMBIGUOUS_ACTOR, cellName, denialCounts, isRuleDenial, NO_GRANT_LIFTS_IT, planHead, roleChoice, rulesDenyingTail, tooEarly, unresolvableWhy,
} from './phrases.js';
import type { CheckResult, Finding, MatrixResult, RenderContext, Renderer, Report } from './renderer.js';

const CODES = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, cyan: 36 } as const;
type Paint = (text: string, ...styles: (keyof typeof CODES)[]) => string;

function painter(ctx: RenderContext): Paint {
  return (text, ...styles) =>
    ctx.color && styles.length > 0 ? `\x1b[${styles.map((s) => CODES[s]).join(';')}m${text}\x1b[0m` : text;
}

/**
 * Wraps words to the width, every line after the first indented by `hang` spaces; leading
 * spaces of the text are kept on the first line.
 */
export function wrap(text: string, width: number, hang: number): string {
  const lead = /^ */.exec(text)![0];
  const room = Math.max(20, width - hang);
  const lines: string[] = [];
  let line = lead;
  for (const word of text.split(/\s+/).filter(Boolean).flatMap((w) => pieces(w, room))) {
    if (line.trim() !== '' && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else line = line.trim() === '' ? `${line}${word}` : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(hang)}`);
}

/** A word longer than a line (a long file path) is cut into line-sized pieces, never inside a character. */
function pieces(word: string, room: number): string[] {
  if (word.length <= room) return [word];
  const out: string[] = [];
  let piece = '';
  for (const char of word) {
    if (piece.length + char.length > room) {
      out.push(piece);
      piece = '';
    }
    piece += char;
  }
  if (piece !== '') out.push(piece);
  return out;
}

function field(label: string, value: string, ctx: RenderContext, paint: Paint): string {
  const hang = 12;
  return `  ${paint(label.padEnd(hang - 2), 'dim')}${wrap(value, ctx.width, hang)}`;
}

function requestLine(d: Decision): string {
  const r = d.request;
  const target = r.target === null ? '' : ` target ${r.target}`;
  return `${r.action} in ${r.environment}${target} at ${r.at}`;
}

function denialBlock(d: Denial, ctx: RenderContext, paint: Paint, metAt?: PrerequisitesMetAt): string {
  if (isRuleDenial(d)) return ruleBlock(d, ctx, paint);
  const lines = [paint(d.blocker_id, 'bold', 'yellow')];
  if (d.item) lines.push(`  ${wrap(d.item, ctx.width, 2)}`);
  const needs = d.reasons.includes('ambiguous-actor') ? AMBIGUOUS_ACTOR
    : d.required_roles.length === 0 ? 'cannot be resolved: no role can resolve it' : `needs ${roleChoice(d.required_roles, d.mode)}`;
  lines.push(field('missing', `${d.missing_roles.length > 0 ? d.missing_roles.join(', ') : '-'}  (${needs})`, ctx, paint));
  lines.push(field('why', d.reasons.join(', '), ctx, paint));
  if (d.reasons.includes('grant-too-early')) lines.push(field('', tooEarly(metAt?.[d.blocker_id]), ctx, paint));
  if (d.next_action) lines.push(field('next', d.next_action, ctx, paint));
  lines.push(field('source', d.source, ctx, paint));
  return lines.join('\n');
}

/** A rule's denial: its message, that no grant lifts it, what to do and the rule's file. */
function ruleBlock(d: Denial, ctx: RenderContext, paint: Paint): string {
  const lines = [`${paint(d.blocker_id, 'bold', 'yellow')} ${paint('(rule)', 'dim')}`];
  if (d.item) lines.push(`  ${wrap(d.item, ctx.width, 2)}`);
  lines.push(field('why', `rule: a rule denies this; ${NO_GRANT_LIFTS_IT}`, ctx, paint));
  if (d.next_action) lines.push(field('next', d.next_action, ctx, paint));
  lines.push(field('source', d.source, ctx, paint));
  return lines.join('\n');
}

/**
 * A plan as instructions, one sentence each: "owner: grant apply@production resolving A, B".
 * With the decision's denials, a rule's unresolvable entry says the rule's message.
 */
export function planSentences(plan: Plan, bold: (text: string) => string = (t) => t, denials: readonly Denial[] = []): string[] {
  if (plan.allowed) return ['Nothing to grant: the request is already allowed.'];
  const lines: string[] = [];
  for (const g of plan.grants_needed) {
    const evidence = g.evidence_required ? ', with evidence' : '';
    lines.push(`${bold(`${g.role}:`)} grant ${cellName(g)} resolving ${g.resolves.join(', ')}${evidence}`);
  }
  const messages = new Map(denials.filter(isRuleDenial).map((d) => [d.blocker_id, d.item]));
  for (const u of plan.unresolvable) lines.push(`${bold(u.blocker_id)}: ${unresolvableWhy(u.reason, messages.get(u.blocker_id))}`);
  if (plan.grants_needed.length === 0 && plan.unresolvable.length === 0) lines.push('No grant can allow this request.');
  return lines;
}

function planLines(plan: Plan, ctx: RenderContext, paint: Paint, denials: readonly Denial[] = []): string[] {
  return planSentences(plan, (t) => paint(t, 'bold'), denials).map((line) => wrap(line, ctx.width, 2));
}

function checkText(decision: Decision, plan: Plan | undefined, ctx: RenderContext, metAt?: PrerequisitesMetAt): string {
  const paint = painter(ctx);
  const out: string[] = [];
  const verdict = decision.allowed ? paint('ALLOWED', 'bold', 'green') : paint('DENIED', 'bold', 'red');
  out.push(`${verdict}  ${requestLine(decision)}`);
  const { blockers: n, rules } = denialCounts(decision.denials);
  const applicable = n + decision.satisfied.length;
  const satisfied = `${applicable === 0 ? 'No blocker applies' : applicable === 1 ? 'The one applicable blocker is satisfied' : `All ${applicable} applicable blockers are satisfied`}`;
  out.push(decision.allowed || n === 0
    ? `${satisfied}${rulesDenyingTail(rules)}.`
    : `${n} of ${applicable} applicable blocker${applicable === 1 ? '' : 's'} ${n === 1 ? 'is' : 'are'} not satisfied${rulesDenyingTail(rules)}.`);
  for (const d of decision.denials) out.push('', denialBlock(d, ctx, paint, metAt));
  if (decision.satisfied.length > 0) {
    out.push('', paint('Satisfied', 'bold'));
    for (const s of decision.satisfied) out.push(wrap(`  ${s.blocker_id} by ${s.grants.join(', ')}`, ctx.width, 4));
  }
  if (decision.ignored_grants.length > 0) {
    out.push('', paint('Ignored grants', 'bold'));
    for (const g of decision.ignored_grants) out.push(wrap(`  ${g.grant_id}: ${g.reason} (for ${g.blocker_ids.join(', ')})`, ctx.width, 4));
  }
  if (decision.warnings.length > 0) {
    out.push('', paint('Warnings', 'bold', 'yellow'));
    for (const w of decision.warnings) out.push(wrap(`  ${w.code}: ${w.message}`, ctx.width, 4));
  }
  if (plan !== undefined && !decision.allowed) {
    out.push('', paint('To allow it', 'bold'));
    for (const line of planLines(plan, ctx, paint, decision.denials)) out.push(`  ${line}`);
  }
  out.push('', paint(`policy ${decision.policy.revision} (sha256 ${decision.policy.sha256.slice(0, 12)})`, 'dim'));
  return `${out.join('\n')}\n`;
}

function cell(row: MatrixRow | undefined, paint: Paint, width: number): string {
  if (row === undefined) return ''.padEnd(width);
  const text = row.allowed ? 'allowed' : `denied ${row.denials.length}`;
  return paint(text.padEnd(width), row.allowed ? 'green' : 'red');
}

function table(rows: MatrixRow[], ctx: RenderContext, marks?: Set<string>): string[] {
  const paint = painter(ctx);
  const actions = [...new Set(rows.map((r) => r.action))];
  const envs = [...new Set(rows.map((r) => r.environment))];
  const byKey = new Map(rows.map((r) => [`${r.action}\u0000${r.environment}`, r]));
  const first = Math.max(6, ...actions.map((a) => a.length)) + 2;
  const col = Math.max(11, ...envs.map((e) => e.length + 2));
  const lines = [paint(`${'action'.padEnd(first)}${envs.map((e) => e.padEnd(col)).join('')}`.trimEnd(), 'bold')];
  for (const action of actions) {
    let line = action.padEnd(first);
    for (const env of envs) {
      const key = `${action}\u0000${env}`;
      const mark = marks?.has(key) ? '*' : '';
      // The mark leads the changed cell, so it cannot be read as belonging to the next one.
      line += mark === '' ? cell(byKey.get(key), paint, col) : paint(`*${cell(byKey.get(key), (t) => t, col - 1)}`, 'bold', byKey.get(key)?.allowed ? 'green' : 'red');
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/** The ids a matrix's detail or the bundle's seal knows as rules': marked "(rule)" beside the ids. */
function ruleIdsOf(m: MatrixResult, ctx: RenderContext): Set<string> {
  const ids = [...Object.keys(ctx.rules ?? {}), ...(m.decisions ?? []).flatMap((d) => d.denials.filter(isRuleDenial).map((x) => x.blocker_id))];
  return new Set(visibleDeep(ids));
}

function matrixText(rows: MatrixRow[], ctx: RenderContext, rules: ReadonlySet<string> = new Set()): string {
  const out = table(rows, ctx);
  const denied = rows.filter((r) => !r.allowed);
  if (denied.length > 0) {
    out.push('', 'Denied by:');
    const named = (id: string) => (rules.has(id) ? `${id} (rule)` : id);
    for (const r of denied) out.push(wrap(`  ${cellName({ ...r, target: null })}: ${r.denials.map(named).join(', ')}`, ctx.width, 4));
  }
  return `${out.join('\n')}\n`;
}

function whatIfText(w: WhatIf, ctx: RenderContext): string {
  const marks = new Set(w.changes.map((c) => `${c.action}\u0000${c.environment}`));
  const out = ['Before:', ...table(w.before, ctx), '', 'After (* changed):', ...table(w.after, ctx, marks), ''];
  if (w.changes.length === 0) out.push('No cell changes.');
  for (const c of w.changes) {
    // The ids say what changed where the state did not (SPEC 3: denied by one, then by two, is a change).
    // A change without the id lists (a caller's older shape) reads as before.
    const added = c.denials_added ?? [];
    const removed = c.denials_removed ?? [];
    const ids = [
      ...(added.length > 0 ? [`now denied by ${added.join(', ')}`] : []),
      ...(removed.length > 0 ? [`no longer by ${removed.join(', ')}`] : []),
    ];
    const line = `  ${cellName({ ...c, target: null })}: ${c.before ? 'allowed' : 'denied'} -> ${c.after ? 'allowed' : 'denied'}`;
    out.push(ids.length === 0 ? line : `${line} (${ids.join('; ')})`);
  }
  return `${out.join('\n')}\n`;
}

function findingLine(f: Finding, ctx: RenderContext, paint: Paint): string {
  const label = f.severity === 'error' ? paint('error', 'red', 'bold') : paint('warning', 'yellow');
  return wrap(`${label} ${f.code}: ${f.message}`, ctx.width, 4);
}

function reportText(r: Report, ctx: RenderContext): string {
  const paint = painter(ctx);
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const warnings = r.findings.length - errors;
  const out = r.findings.map((f) => findingLine(f, ctx, paint));
  const facts = Object.entries(r.facts).filter(([, v]) => v !== null).map(([k, v]) => `${k} ${v}`).join(', ');
  const verdict = r.valid ? paint('OK', 'bold', 'green') : paint('PROBLEMS', 'bold', 'red');
  out.push(`${verdict}  ${r.subject}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${facts ? ` (${facts})` : ''}`);
  return `${out.join('\n')}\n`;
}

/** Text as written for people, before its strings are made visible. */
const plainText = {
  check: ({ decision, plan, prerequisitesMetAt }: CheckResult, ctx: RenderContext) => checkText(decision, plan, ctx, prerequisitesMetAt),
  plan: (plan: Plan, ctx: RenderContext) => {
    const paint = painter(ctx);
    const head = plan.allowed ? paint('ALLOWED', 'bold', 'green') : paint('DENIED', 'bold', 'red');
    return `${head}  ${plan.allowed ? 'nothing to grant' : planHead(plan)}\n${planLines(plan, ctx, paint).map((l) => `  ${l}`).join('\n')}\n`;
  },
  data: (value: Record<string, unknown>) => `${Object.entries(value).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join('\n')}\n`,
  error: (all: readonly Problem[], ctx: RenderContext) => {
    const paint = painter(ctx);
    const lines = all.map((p) => wrap(`${paint('error', 'red', 'bold')} ${p.code}: ${p.message}`, ctx.width, 4));
    return `${lines.join('\n')}\n`;
  },
};

// Every value is made visible on the way in: a newline or an escape in a target, an id or a
// message can neither start a line of its own nor reach the terminal.
export const textRenderer = {
  format: 'text',
  errorsTo: 'stderr',
  check: (result, ctx) => plainText.check(visibleDeep(result), ctx),
  plan: (plan, ctx) => plainText.plan(visibleDeep(plan), ctx),
  matrix: (m, ctx) => matrixText(visibleDeep(m.rows), ctx, ruleIdsOf(m, ctx)),
  whatIf: (w, ctx) => whatIfText(visibleDeep({ before: w.before, after: w.after, changes: w.changes }), ctx),
  report: (r, ctx) => reportText(visibleDeep(r), ctx),
  data: (value) => plainText.data(visibleDeep(value)),
  error: (problems, ctx) => plainText.error(visibleDeep(problems), ctx),
} satisfies Renderer;
