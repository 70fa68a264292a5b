// JUnit XML for CI test reports: one suite per decided cell, one test case per applicable
// blocker and per rule of the bundle. A denial is a failure that says what is missing (or which
// rule denies) and what to do next.

import type { Plan } from '../gate/types.js';
import { cellOfDecision, denialDetails, denierOf, isRule, matrixCells, problemOf, whatIfCells, type Cell } from './cells.js';
import { cellName } from './phrases.js';
import type { RenderContext, Renderer } from './renderer.js';
import type { Problem } from '../errors.js';
import { planSentences } from './text.js';

// Characters XML 1.0 cannot carry at all, lone surrogates included: replaced, never dropped silently.
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(value: string): string {
  return value.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(value: string): string {
  // Line ends and tabs in attributes are normalised away by parsers unless written as references.
  return xmlText(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');
}

interface TestCase { name: string; file?: string; failure?: { type: string; message: string; body: string }; out?: string }

function testCases(cell: Cell, rules: RenderContext['rules']): TestCase[] {
  const cases: TestCase[] = cell.denials.map((d) => {
    const problem = problemOf(d);
    const rule = isRule(d);
    const reasons = d.denial?.reasons ?? (rule ? ['rule'] : []);
    const file = d.denial?.source ?? d.blocker?.source ?? d.rule?.file;
    const lead = cell.before ? 'denied after the what-if changes' : 'denied';
    return {
      name: d.blocker_id,
      ...(file === undefined ? {} : { file }),
      failure: {
        type: reasons.length > 0 ? reasons.join(',') : 'denied',
        message: problem === '' || rule ? `${cellName(cell)} ${lead} by ${denierOf(d)}${problem === '' ? '' : `: ${problem}`}` : `${cellName(cell)} ${lead}: ${problem}`,
        body: denialDetails(d).join('\n'),
      },
    };
  });
  for (const s of cell.satisfied ?? []) {
    cases.push({ name: s.blocker_id, out: `satisfied by ${s.grants.length > 0 ? s.grants.join(', ') : 'the map (resolved_in_this_macro)'}` });
  }
  for (const id of cell.before?.resolved ?? []) cases.push({ name: id, out: 'resolved by the what-if changes' });
  // Every rule applies to every request: one that did not deny this cell passes.
  const named = new Set(cases.map((c) => c.name));
  for (const [id, rule] of Object.entries(rules ?? {})) {
    if (!named.has(id)) cases.push({ name: id, file: rule.file, out: `rule ${id} does not deny this request` });
  }
  return cases.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function properties(cell: Cell): Record<string, string> {
  const p: Record<string, string> = { action: cell.action, environment: cell.environment };
  if (cell.target !== null) p.target = cell.target;
  if (cell.decision) p.at = cell.decision.request.at;
  if (cell.before) p['allowed.before'] = String(cell.before.allowed);
  p.allowed = String(cell.allowed);
  if (cell.decision) {
    p['policy.revision'] = cell.decision.policy.revision;
    p['policy.sha256'] = cell.decision.policy.sha256;
  }
  return p;
}

function suite(cell: Cell, rules: RenderContext['rules'], plan?: Plan): string {
  const cases = testCases(cell, rules);
  const failures = cases.filter((c) => c.failure).length;
  const classname = `blockgate.${cell.action}.${cell.environment}${cell.target === null ? '' : `.${cell.target}`}`;
  const lines = [`  <testsuite${attrs({ name: cellName(cell), tests: cases.length, failures, errors: 0, skipped: 0 })}>`];
  lines.push('    <properties>');
  for (const [name, value] of Object.entries(properties(cell))) lines.push(`      <property${attrs({ name, value })}/>`);
  lines.push('    </properties>');
  for (const c of cases) {
    const open = `    <testcase${attrs({ name: c.name, classname, file: c.file })}`;
    if (c.failure) {
      lines.push(`${open}>`);
      lines.push(`      <failure${attrs({ type: c.failure.type, message: c.failure.message })}>${xmlText(c.failure.body)}</failure>`);
      lines.push('    </testcase>');
    } else if (c.out) {
      lines.push(`${open}>`, `      <system-out>${xmlText(c.out)}</system-out>`, '    </testcase>');
    } else lines.push(`${open}/>`);
  }
  const out: string[] = [];
  if (plan && !cell.allowed) out.push('To allow it:', ...planSentences(plan, undefined, cell.decision?.denials).map((s) => `  ${s}`));
  for (const g of cell.decision?.ignored_grants ?? []) out.push(`ignored grant ${g.grant_id}: ${g.reason} (for ${g.blocker_ids.join(', ')})`);
  if (out.length > 0) lines.push(`    <system-out>${xmlText(out.join('\n'))}</system-out>`);
  const warnings = (cell.decision?.warnings ?? []).map((w) => `warning ${w.code}: ${w.message}`);
  if (warnings.length > 0) lines.push(`    <system-err>${xmlText(warnings.join('\n'))}</system-err>`);
  lines.push('  </testsuite>');
  return lines.join('\n');
}

function document(cells: Cell[], ctx: RenderContext | undefined, plan?: Plan): string {
  const rules = ctx?.rules;
  const counts = cells.map((cell) => testCases(cell, rules));
  const tests = counts.reduce((n, c) => n + c.length, 0);
  const failures = counts.reduce((n, c) => n + c.filter((x) => x.failure).length, 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'blockgate', tests, failures, errors: 0, skipped: 0 })}>`,
    ...cells.map((cell) => suite(cell, rules, plan)),
    '</testsuites>',
    '',
  ].join('\n');
}

/**
 * An error as a report CI can still upload (SPEC 3): one failed test case per problem, named by
 * its code, carrying the message (and the file and line, when there are).
 */
function errorDocument(all: readonly Problem[]): string {
  const cases = all.map((p) => {
    const where = p.file === undefined ? '' : `\nfile: ${p.file}${p.line === undefined ? '' : ` line ${p.line}`}`;
    return [
      `    <testcase${attrs({ name: p.code, classname: 'blockgate.error', file: p.file })}>`,
      `      <failure${attrs({ type: p.code, message: p.message })}>${xmlText(`${p.code}: ${p.message}${where}`)}</failure>`,
      '    </testcase>',
    ].join('\n');
  });
  const counts = { tests: all.length, failures: all.length, errors: 0, skipped: 0 };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'blockgate', ...counts })}>`,
    `  <testsuite${attrs({ name: 'blockgate error: nothing was decided', ...counts })}>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export const junitRenderer = {
  format: 'junit',
  errorsTo: 'stdout',
  check: ({ decision, plan, blockers }, ctx) => document([cellOfDecision(decision, ctx?.rules, blockers)], ctx, plan),
  matrix: (m, ctx) => document(matrixCells(m, ctx?.rules), ctx),
  whatIf: (w, ctx) => document(whatIfCells(w, ctx?.rules), ctx),
  error: (problems) => errorDocument(problems),
} satisfies Renderer;
