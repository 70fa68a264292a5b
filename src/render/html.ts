// The readiness report: one self-contained HTML page (inline CSS, no script, nothing fetched)
// with the matrix, every denial (a blocker's or a rule's) with its plan, the graph of `after`
// prerequisites, the blockers and the rules.

import type { Denial } from '../engine/results.js';
import type { Decision, MatrixRow, Plan, ReadinessReport } from '../gate/types.js';
import { cellName, denialCounts, isRuleDenial, NO_GRANT_LIFTS_IT, roleChoice, rolesNeeded, rulesDenyingTail, unresolvableWhy } from './phrases.js';
import type { RenderContext, Renderer, RuleMeta } from './renderer.js';

/** Escapes text for HTML content and attribute values alike. */
export function esc(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const CSS = `
:root { --ok: #1a7f37; --ok-bg: #dafbe1; --ok-line: #9be9a8; --no: #cf222e; --no-bg: #ffebe9; --no-line: #ffb3ad;
  --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --paper: #ffffff; --band: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--band); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.86em; }
header.top { background: #24292f; color: #f0f3f6; padding: 28px 0 24px; }
.wrap { max-width: 1180px; margin: 0 auto; padding: 0 40px; }
header.top h1 { margin: 0 0 4px; font-size: 26px; font-weight: 600; letter-spacing: -0.01em; }
header.top .sub { margin: 0; color: #c9d1d9; }
.summary { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 18px; }
.stat { background: rgba(255,255,255,0.08); border: 1px solid rgba(255,255,255,0.16); border-radius: 8px; padding: 8px 14px; min-width: 120px; }
.stat b { display: block; font-size: 22px; line-height: 1.2; }
.stat span { color: #c9d1d9; font-size: 13px; }
.stat.ok b { color: #7ee787; } .stat.no b { color: #ffa198; }
main.wrap { padding-top: 28px; padding-bottom: 48px; }
section { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 20px 24px; margin: 0 0 24px; }
h2 { font-size: 19px; margin: 0 0 4px; } h2 + .hint { margin-top: 0; }
.hint { color: var(--muted); font-size: 13px; margin: 0 0 14px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 14px 0 0; font-size: 13px; color: #c9d1d9; }
dl.facts dt { color: #8c959f; } dl.facts dd { margin: 0; }
.warn { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 8px; padding: 10px 14px; margin: 0 0 24px; }
table { border-collapse: collapse; width: 100%; }
table.matrix th, table.matrix td { border: 1px solid var(--line); padding: 0; text-align: left; vertical-align: top; }
table.matrix thead th { background: var(--band); padding: 8px 12px; font-size: 13px; color: var(--muted); font-weight: 600; }
table.matrix tbody th { background: var(--band); padding: 10px 12px; font-weight: 600; white-space: nowrap; width: 1%; }
td.cell a { display: block; padding: 8px 12px; color: inherit; text-decoration: none; min-height: 100%; }
td.cell.allowed { background: var(--ok-bg); } td.cell.denied { background: var(--no-bg); }
td.cell a:hover { outline: 2px solid var(--accent); outline-offset: -2px; }
.verdict { font-weight: 700; text-transform: uppercase; font-size: 12px; letter-spacing: 0.06em; }
td.allowed .verdict { color: var(--ok); } td.denied .verdict { color: var(--no); }
.count { color: var(--muted); font-size: 12px; margin-left: 6px; }
ul.ids { list-style: none; margin: 4px 0 0; padding: 0; font-size: 12px; line-height: 1.45; }
ul.ids li { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: #6e2a26; overflow-wrap: anywhere; }
.legend { display: flex; gap: 16px; margin-top: 10px; font-size: 13px; color: var(--muted); }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; vertical-align: -1px; margin-right: 6px; border: 1px solid var(--line); }
.swatch.ok { background: var(--ok-bg); border-color: var(--ok-line); } .swatch.no { background: var(--no-bg); border-color: var(--no-line); }
.swatch.unk { background: #fff8c5; border-color: #9a6700; }
article.request { border: 1px solid var(--line); border-left: 4px solid var(--no); border-radius: 8px; margin: 16px 0 0; }
article.request > h3 { margin: 0; padding: 10px 16px; font-size: 16px; background: var(--band); border-bottom: 1px solid var(--line); border-radius: 0 8px 0 0; }
article.request > h3 .at { color: var(--muted); font-weight: 400; font-size: 13px; margin-left: 8px; }
table.denials { table-layout: fixed; }
table.denials col.c-blocker { width: 34%; } table.denials col.c-missing { width: 17%; } table.denials col.c-why { width: 22%; }
table.denials th, table.denials td { padding: 8px 16px; border-bottom: 1px solid var(--line); vertical-align: top; text-align: left; font-size: 14px; }
table.denials th { font-size: 12px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: 0.04em; }
table.denials .item { color: var(--muted); font-size: 13px; margin-top: 2px; }
table.denials td.blocker a { color: inherit; text-decoration: none; } table.denials td.blocker a:hover code { text-decoration: underline; }
table.blockers tr:target { background: #fff8c5; }
.role { display: inline-block; background: var(--no-bg); color: var(--no); border: 1px solid var(--no-line); border-radius: 999px; padding: 0 8px; font-size: 13px; margin: 0 4px 2px 0; }
.needs { display: block; color: var(--muted); font-size: 12px; }
.reason { display: inline-block; white-space: nowrap; background: var(--band); border: 1px solid var(--line); border-radius: 4px; padding: 0 6px; font-size: 12px; margin: 0 4px 2px 0; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.plan { padding: 10px 16px 14px; }
.plan h4 { margin: 0 0 6px; font-size: 13px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
.plan ol, .plan ul { margin: 0; padding-left: 22px; } .plan li { margin: 2px 0; } .plan p.unresolvable { margin: 8px 0 2px; }
.plan .evidence { color: #9a6700; font-size: 12px; font-weight: 600; margin-left: 6px; }
.plan .unresolvable { color: var(--no); }
.graph-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; background: #fbfcfd; padding: 8px; }
svg.graph text { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
ul.after-list { margin: 14px 0 0; padding-left: 20px; font-size: 14px; }
table.blockers td.src { overflow-wrap: anywhere; }
table.blockers th, table.blockers td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; font-size: 13px; }
table.blockers th { color: var(--muted); font-size: 12px; font-weight: 600; }
.tag { display: inline-block; background: #ddf4ff; color: #0550ae; border-radius: 999px; padding: 0 7px; font-size: 12px; margin: 0 3px 2px 0; }
.none { color: var(--muted); }
.kind { display: inline-block; background: #fbefff; color: #8250df; border: 1px solid #d8b9ff; border-radius: 4px; padding: 0 5px; font-size: 11px; margin-left: 6px; text-transform: uppercase; letter-spacing: 0.04em; }
ul.ids li.rule { color: #8250df; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 0 40px 32px; }
@media print { body { background: #fff; } section { border: none; padding: 0; } header.top { background: #fff; color: #000; } }
`;

function cellAnchor(index: number): string {
  return `cell-${index}`;
}

function matrixTable(r: ReadinessReport): string {
  const actions = [...new Set(r.rows.map((x) => x.action))];
  const envs = [...new Set(r.rows.map((x) => x.environment))];
  const index = new Map(r.rows.map((row, i) => [`${row.action}\u0000${row.environment}`, i]));
  const head = `<thead><tr><th scope="col">action</th>${envs.map((e) => `<th scope="col">${esc(e)}</th>`).join('')}</tr></thead>`;
  const body = actions.map((action) => {
    const cells = envs.map((env) => {
      const i = index.get(`${action}\u0000${env}`);
      if (i === undefined) return '<td class="cell none">–</td>';
      const row = r.rows[i]!;
      const data = `data-action="${esc(row.action)}" data-environment="${esc(row.environment)}" data-allowed="${row.allowed}" data-denials="${esc(row.denials.join(' '))}"`;
      if (row.allowed) {
        return `<td class="cell allowed" ${data}><a href="#${cellAnchor(i)}"><span class="verdict">allowed</span></a></td>`;
      }
      const rules = ruleIdsOf(r.decisions[i], row);
      const ids = row.denials.map((id) => (rules.has(id) ? `<li class="rule" data-kind="rule">${esc(id)} (rule)</li>` : `<li>${esc(id)}</li>`)).join('');
      const blockers = row.denials.length - rules.size;
      const count = rules.size === 0 ? plural(blockers, 'blocker') : `${blockers === 0 ? '' : `${plural(blockers, 'blocker')}, `}${plural(rules.size, 'rule')}`;
      return `<td class="cell denied" ${data}><a href="#${cellAnchor(i)}" title="${esc(row.denials.join(', '))}"><span class="verdict">denied</span><span class="count">${count}</span><ul class="ids">${ids}</ul></a></td>`;
    }).join('');
    return `<tr><th scope="row">${esc(action)}</th>${cells}</tr>`;
  }).join('\n');
  return `<table class="matrix" id="matrix-table">${head}<tbody>\n${body}\n</tbody></table>`;
}

/** The ids of a row that rules deny, from the row's decision (when it is the row's). */
function ruleIdsOf(decision: Decision | undefined, row: MatrixRow): Set<string> {
  const own = decision?.request.action === row.action && decision.request.environment === row.environment;
  return new Set(own ? decision.denials.filter(isRuleDenial).map((d) => d.blocker_id) : []);
}

/** The denying id (linked to its table row), a mark after it, its item, and lines after that. */
function idCell(d: Denial, anchor: string | undefined, mark = '', after = ''): string {
  const id = `<code>${esc(d.blocker_id)}</code>`;
  return `<td class="blocker">${anchor ? `<a href="#${anchor}">${id}</a>` : id}${mark}${d.item ? `<div class="item">${esc(d.item)}</div>` : ''}${after}</td>`;
}

function nextCell(d: Denial): string {
  return `<td class="next">${d.next_action ? esc(d.next_action) : '<span class="none">—</span>'}</td>`;
}

/** A rule's denial: its id named as a rule, its message and file; no role lifts it. */
function ruleDenialRow(d: Denial, anchor: string | undefined): string {
  return `<tr class="denial rule" data-blocker="${esc(d.blocker_id)}" data-kind="rule">`
    + idCell(d, anchor, '<span class="kind">rule</span>', `<div class="item mono">${esc(d.source)}</div>`)
    + `<td class="missing"><span class="none">none</span><span class="needs">${esc(NO_GRANT_LIFTS_IT)}</span></td>`
    + `<td class="reasons">${d.reasons.map((x) => `<span class="reason">${esc(x)}</span>`).join('')}</td>`
    + `${nextCell(d)}</tr>`;
}

function denialRow(d: Denial, anchor: string | undefined): string {
  if (isRuleDenial(d)) return ruleDenialRow(d, anchor);
  const missing = d.missing_roles.length > 0
    ? d.missing_roles.map((role) => `<span class="role">${esc(role)}</span>`).join('')
    : '<span class="none">none</span>';
  return `<tr class="denial" data-blocker="${esc(d.blocker_id)}">`
    + idCell(d, anchor)
    + `<td class="missing">${missing}<span class="needs">${esc(rolesNeeded(d.required_roles, d.mode))}</span></td>`
    + `<td class="reasons">${d.reasons.map((x) => `<span class="reason">${esc(x)}</span>`).join('')}</td>`
    + `${nextCell(d)}</tr>`;
}

function planBlock(plan: Plan | null, denials: readonly Denial[]): string {
  if (plan === null) return '';
  const items: string[] = plan.grants_needed.map((g) => {
    const where = cellName(g);
    const evidence = g.evidence_required ? '<span class="evidence">with evidence</span>' : '';
    return `<li class="grant" data-role="${esc(g.role)}"><b>${esc(g.role)}</b>: grant <code>${esc(where)}</code> resolving ${g.resolves.map((id) => `<code>${esc(id)}</code>`).join(', ')}${evidence}</li>`;
  });
  const messages = new Map(denials.filter(isRuleDenial).map((d) => [d.blocker_id, d.item]));
  const stuck = plan.unresolvable.map((u) => `<li class="unresolvable" data-blocker="${esc(u.blocker_id)}" data-reason="${esc(u.reason)}"><code>${esc(u.blocker_id)}</code>: ${esc(unresolvableWhy(u.reason, messages.get(u.blocker_id)))}</li>`);
  const fix = plan.unresolvable.some((u) => u.reason === 'rule')
    ? (plan.unresolvable.every((u) => u.reason === 'rule') ? 'until the rule no longer denies it' : 'until the map is fixed and the rule no longer denies it')
    : 'until the map is fixed';
  const title = stuck.length === 0 ? 'Plan: the fewest new grants that allow it' : 'Plan: the fewest new grants, and what no grant can close';
  const list = items.length > 0 ? `<ol>${items.join('')}</ol>` : '';
  const blocked = stuck.length > 0 ? `<p class="unresolvable">These grants are not enough; the request stays denied ${fix}:</p><ul>${stuck.join('')}</ul>` : '';
  return `<div class="plan"><h4>${title}</h4>${list}${blocked}${items.length + stuck.length === 0 ? '<p class="unresolvable">No grant can allow this request.</p>' : ''}</div>`;
}

function requestArticle(index: number, row: MatrixRow, decision: Decision, plan: Plan | null, anchors: Map<string, string>): string {
  const denials = decision.denials.map((d) => denialRow(d, anchors.get(d.blocker_id))).join('');
  const { blockers, rules } = denialCounts(decision.denials);
  const applicable = blockers + decision.satisfied.length;
  return `<article class="request" id="${cellAnchor(index)}" data-action="${esc(row.action)}" data-environment="${esc(row.environment)}">`
    + `<h3>${esc(row.action)} <span class="none">in</span> ${esc(row.environment)}<span class="at">${blockers} of ${plural(applicable, 'applicable blocker')} not satisfied${rulesDenyingTail(rules)}</span></h3>`
    + `<table class="denials"><colgroup><col class="c-blocker"><col class="c-missing"><col class="c-why"><col></colgroup><thead><tr><th>${rules === 0 ? 'Blocker' : 'Blocker or rule'}</th><th>Missing roles</th><th>Why</th><th>Next action</th></tr></thead><tbody>${denials}</tbody></table>`
    + `${planBlock(plan, decision.denials)}</article>`;
}

// ---- The graph of `after` prerequisites -------------------------------------------------------

interface GraphNode { id: string; known: boolean; layer: number; row: number; status: 'denies' | 'satisfied' | 'idle' | 'unknown' }

/**
 * Columns for a left-to-right drawing: longest path from the prerequisites (a cycle is cut
 * where it closes), then each prerequisite moved right up to the column before its first
 * dependent, so that few edges jump over a column.
 */
export function graphLayers(ids: readonly string[], prerequisites: ReadonlyMap<string, readonly string[]>): Map<string, number> {
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return -1;
    visiting.add(id);
    let depth = 0;
    for (const p of prerequisites.get(id) ?? []) depth = Math.max(depth, visit(p) + 1);
    visiting.delete(id);
    layer.set(id, depth);
    return depth;
  };
  for (const id of ids) visit(id);
  const dependents = new Map<string, string[]>();
  for (const [id, list] of prerequisites) for (const p of list) dependents.set(p, [...(dependents.get(p) ?? []), id]);
  for (const id of [...ids].sort((a, b) => layer.get(b)! - layer.get(a)!)) {
    const after = (dependents.get(id) ?? []).map((d) => layer.get(d)!).filter((l) => l > layer.get(id)!);
    if (after.length > 0) layer.set(id, Math.min(...after) - 1);
  }
  return layer;
}

/** Orders each column by the mean row of its neighbours (two sweeps), to uncross edges. */
function orderColumns(columns: string[][], prerequisites: ReadonlyMap<string, readonly string[]>): void {
  const dependents = new Map<string, string[]>();
  for (const [id, list] of prerequisites) for (const p of list) dependents.set(p, [...(dependents.get(p) ?? []), id]);
  const rowOf = new Map<string, number>();
  const number = (col: string[]) => col.forEach((id, i) => rowOf.set(id, i));
  columns.forEach(number);
  const sortBy = (col: string[], neighbours: (id: string) => readonly string[]) => {
    const key = (id: string) => {
      const rows = neighbours(id).map((n) => rowOf.get(n)).filter((r): r is number => r !== undefined);
      return rows.length === 0 ? rowOf.get(id)! : rows.reduce((a, b) => a + b, 0) / rows.length;
    };
    const keys = new Map(col.map((id) => [id, key(id)]));
    col.sort((a, b) => keys.get(a)! - keys.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
    number(col);
  };
  for (let sweep = 0; sweep < 2; sweep += 1) {
    for (let i = 1; i < columns.length; i += 1) sortBy(columns[i]!, (id) => prerequisites.get(id) ?? []);
    for (let i = columns.length - 2; i >= 0; i -= 1) sortBy(columns[i]!, (id) => dependents.get(id) ?? []);
  }
}

function blockerStatus(r: ReadinessReport): Map<string, 'denies' | 'satisfied'> {
  const status = new Map<string, 'denies' | 'satisfied'>();
  for (const d of r.decisions) {
    for (const s of d.satisfied) if (!status.has(s.blocker_id)) status.set(s.blocker_id, 'satisfied');
    for (const x of d.denials) status.set(x.blocker_id, 'denies');
  }
  return status;
}

const NODE_H = 34;
const GAP_Y = 14;
const GAP_X = 70;
const PAD = 12;
const CHAR_W = 7.3;

function graphSection(r: ReadinessReport): string {
  const known = new Map(r.blockers.map((b) => [b.id, b]));
  const prerequisites = new Map<string, string[]>();
  const involved = new Set<string>();
  for (const b of r.blockers) {
    if (b.after.length === 0) continue;
    prerequisites.set(b.id, [...b.after]);
    involved.add(b.id);
    for (const p of b.after) involved.add(p);
  }
  const intro = '<h2>Prerequisites</h2><p class="hint">A blocker’s <code>after</code> list names blockers that must be satisfied first; a grant counts for it only if issued at or after they were. Arrows point from a prerequisite to the blocker that waits for it.</p>';
  if (involved.size === 0) {
    return `<section id="prerequisites">${intro}<p class="none" id="no-prerequisites">No blocker has prerequisites (<code>after</code>).</p></section>`;
  }
  const ids = [...involved].sort();
  const layer = graphLayers(ids, prerequisites);
  const status = blockerStatus(r);
  const columnCount = Math.max(...ids.map((id) => layer.get(id)!)) + 1;
  const columns: string[][] = Array.from({ length: columnCount }, () => []);
  for (const id of ids) columns[layer.get(id)!]!.push(id);
  orderColumns(columns, prerequisites);
  const rowsMax = Math.max(...columns.map((c) => c.length));
  const maxLen = Math.max(...ids.map((id) => id.length));
  const nodeW = Math.min(340, Math.max(140, Math.ceil(maxLen * CHAR_W) + 2 * PAD));
  const nodes = new Map<string, GraphNode>();
  columns.forEach((column, l) => {
    // Shorter columns are centred against the tallest.
    const offset = (rowsMax - column.length) / 2;
    column.forEach((id, row) => {
      const st = !known.has(id) ? 'unknown' : (status.get(id) ?? 'idle');
      nodes.set(id, { id, known: known.has(id), layer: l, row: row + offset, status: st });
    });
  });
  const width = columnCount * nodeW + (columnCount - 1) * GAP_X + 2 * PAD;
  const height = rowsMax * NODE_H + (rowsMax - 1) * GAP_Y + 2 * PAD;
  const x = (n: GraphNode) => PAD + n.layer * (nodeW + GAP_X);
  const y = (n: GraphNode) => PAD + n.row * (NODE_H + GAP_Y);
  const edges: string[] = [];
  for (const [id, list] of [...prerequisites].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const to = nodes.get(id)!;
    for (const p of list) {
      const from = nodes.get(p)!;
      const x1 = x(from) + nodeW, y1 = y(from) + NODE_H / 2, x2 = x(to) - 2, y2 = y(to) + NODE_H / 2;
      const back = x2 <= x1; // a cycle's closing edge runs right to left
      const bend = back ? 60 : Math.max(24, (x2 - x1) / 2);
      const path = back
        ? `M${x1} ${y1} C${x1 + bend} ${y1} ${x2 - bend} ${y2 - NODE_H} ${x2} ${y2}`
        : `M${x1} ${y1} C${x1 + bend} ${y1} ${x2 - bend} ${y2} ${x2} ${y2}`;
      edges.push(`<path class="edge" data-from="${esc(p)}" data-to="${esc(id)}" d="${path}" fill="none" stroke="#8c959f" stroke-width="1.5" marker-end="url(#arrow)"/>`);
    }
  }
  const colours = {
    denies: { fill: '#ffebe9', stroke: '#cf222e' },
    satisfied: { fill: '#dafbe1', stroke: '#1a7f37' },
    idle: { fill: '#f6f8fa', stroke: '#8c959f' },
    unknown: { fill: '#fff8c5', stroke: '#9a6700' },
  };
  const maxChars = Math.floor((nodeW - 2 * PAD) / CHAR_W);
  const boxes = [...nodes.values()].map((n) => {
    const c = colours[n.status];
    const label = n.id.length > maxChars ? `${n.id.slice(0, maxChars - 1)}…` : n.id;
    const title = n.known ? `${n.id}: ${known.get(n.id)?.item ?? ''}` : `${n.id}: no loaded blocker has this id`;
    return `<g class="node ${n.status}" data-id="${esc(n.id)}"><title>${esc(title)}</title>`
      + `<rect x="${x(n)}" y="${y(n)}" width="${nodeW}" height="${NODE_H}" rx="6" fill="${c.fill}" stroke="${c.stroke}" stroke-width="1.5"${n.known ? '' : ' stroke-dasharray="4 3"'}/>`
      + `<text x="${x(n) + PAD}" y="${y(n) + NODE_H / 2 + 4}" fill="#1f2328">${esc(label)}</text></g>`;
  });
  const svg = `<svg class="graph" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Graph of after prerequisites">`
    + '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#8c959f"/></marker></defs>'
    + `${edges.join('')}${boxes.join('')}</svg>`;
  const legend = '<div class="legend"><span><span class="swatch no"></span>denies some request</span><span><span class="swatch ok"></span>satisfied wherever it applies</span><span><span class="swatch"></span>applies to no request</span><span><span class="swatch unk"></span>unknown id</span></div>';
  const list = [...prerequisites].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, list]) =>
    `<li data-blocker="${esc(id)}"><code>${esc(id)}</code> after ${list.map((p) => `<code${known.has(p) ? '' : ' class="unknown"'}>${esc(p)}</code>${known.has(p) ? '' : ' (unknown)'}`).join(', ')}</li>`).join('');
  return `<section id="prerequisites">${intro}<div class="graph-wrap">${svg}</div>${legend}<ul class="after-list">${list}</ul></section>`;
}

// ---- The page ---------------------------------------------------------------------------------

function blockerAnchors(r: ReadinessReport): Map<string, string> {
  return new Map(r.blockers.map((b, i) => [b.id, `blocker-${i}`]));
}

/** Every rule the page names: the seal's, and any rule that denied without being in it (a dynamic id). */
function rulesOf(r: ReadinessReport, declared: RenderContext['rules']): [string, RuleMeta][] {
  const rules = new Map<string, RuleMeta>(Object.entries(declared ?? {}));
  for (const d of r.decisions) {
    for (const x of d.denials) if (isRuleDenial(x) && !rules.has(x.blocker_id)) rules.set(x.blocker_id, { file: x.source, title: null, description: null });
  }
  return [...rules].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function ruleAnchors(rules: readonly [string, RuleMeta][]): Map<string, string> {
  return new Map(rules.map(([id], i) => [id, `rule-${i}`]));
}

function rulesTable(rules: readonly [string, RuleMeta][], r: ReadinessReport): string {
  if (rules.length === 0) return '';
  const anchors = ruleAnchors(rules);
  const denying = new Map<string, number>();
  for (const d of r.decisions) for (const x of d.denials) if (isRuleDenial(x)) denying.set(x.blocker_id, (denying.get(x.blocker_id) ?? 0) + 1);
  const rows = rules.map(([id, rule]) => {
    const n = denying.get(id) ?? 0;
    return `<tr id="${anchors.get(id)}" data-rule="${esc(id)}"><td><code>${esc(id)}</code>${rule.title ? `<div class="item">${esc(rule.title)}</div>` : ''}</td>`
      + `<td>${rule.description ? esc(rule.description) : '<span class="none">—</span>'}</td>`
      + `<td class="denies">${n === 0 ? 'denies no request' : `denies ${plural(n, 'request')}`}</td>`
      + `<td class="mono src">${esc(rule.file)}</td></tr>`;
  }).join('');
  return `<section id="rules"><h2>Rules</h2><p class="hint">The team’s own rules compiled into the policy bundle (package <code>blockgate.rules</code>), with their title and description from <code># METADATA</code>. A rule’s denial cannot be lifted by any grant.</p>`
    + `<table class="blockers rules"><thead><tr><th>Rule</th><th>Description</th><th>Denies</th><th>Source</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function blockersTable(r: ReadinessReport): string {
  const anchors = blockerAnchors(r);
  const rows = r.blockers.map((b) => {
    const roles = b.required_roles.length === 0 ? '<span class="none">none</span>' : esc(roleChoice(b.required_roles, b.mode));
    return `<tr id="${anchors.get(b.id)}"><td><code>${esc(b.id)}</code>${b.item ? `<div class="item">${esc(b.item)}</div>` : ''}</td>`
      + `<td>${roles}${b.evidence_required ? '<div class="needs">evidence required</div>' : ''}</td>`
      + `<td>${b.blocks.map((t) => `<span class="tag">${esc(t)}</span>`).join('')}</td>`
      + `<td>${b.after.length > 0 ? b.after.map((a) => `<code>${esc(a)}</code>`).join(', ') : '<span class="none">—</span>'}</td>`
      + `<td class="mono src">${esc(b.source)}${b.line === undefined ? '' : `:${b.line}`}</td></tr>`;
  }).join('');
  return `<section id="blockers"><h2>Blockers</h2><p class="hint">Every loaded blocker, as its map defines it, with its source file and line.</p>`
    + `<table class="blockers"><thead><tr><th>Blocker</th><th>Roles</th><th>Blocks</th><th>After</th><th>Source</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

export function renderReadinessHtml(r: ReadinessReport, ctx?: RenderContext): string {
  const rules = rulesOf(r, ctx?.rules);
  const anchors = new Map([...blockerAnchors(r), ...ruleAnchors(rules)]);
  const allowed = r.rows.filter((x) => x.allowed).length;
  const denied = r.rows.length - allowed;
  const warnings = new Map<string, string>();
  for (const d of r.decisions) for (const w of d.warnings) warnings.set(w.code, w.message);
  const warningBlock = [...warnings].map(([code, message]) => `<div class="warn" role="alert"><b>${esc(code)}</b>: ${esc(message)}</div>`).join('');
  const articles = r.rows
    .map((row, i) => (row.allowed ? '' : requestArticle(i, row, r.decisions[i]!, r.plans[i] ?? null, anchors)))
    .filter((a) => a !== '')
    .join('\n');
  const ledger = r.ledger.file === null ? 'none (an empty ledger)' : `${r.ledger.file}: ${r.ledger.entries} ${r.ledger.entries === 1 ? 'entry' : 'entries'}${r.ledger.verified ? ', signatures verified' : ', signatures NOT verified'}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="blockgate">
<title>blockgate readiness at ${esc(r.at)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="top"><div class="wrap">
<h1>Readiness report</h1>
<p class="sub">Every action × environment, decided by the policy at <time datetime="${esc(r.at)}">${esc(r.at)}</time>.</p>
<div class="summary">
<div class="stat"><b>${r.rows.length}</b><span>requests decided</span></div>
<div class="stat ok"><b id="allowed-count">${allowed}</b><span>allowed</span></div>
<div class="stat no"><b id="denied-count">${denied}</b><span>denied</span></div>
<div class="stat"><b>${r.blockers.length}</b><span>blockers loaded</span></div>
</div>
<dl class="facts">
<dt>maps</dt><dd>${r.maps.map((m) => `<span class="mono">${esc(m)}</span>`).join(', ')}</dd>
<dt>ledger</dt><dd>${esc(ledger)}</dd>
<dt>policy</dt><dd class="mono">${esc(r.policy.revision)} (sha256 ${esc(r.policy.sha256)})</dd>
</dl>
</div></header>
<main class="wrap">
${warningBlock}
<section id="matrix">
<h2>Readiness matrix</h2>
<p class="hint">Each cell is one request (action in environment, no target). Select a denied cell for its denials and plan.</p>
${matrixTable(r)}
<div class="legend"><span><span class="swatch ok"></span>allowed</span><span><span class="swatch no"></span>denied, with the blockers that deny it</span></div>
</section>
<section id="denials">
<h2>Denials and plans</h2>
<p class="hint">Every denied request: what is missing, why, what to do next, and the smallest set of new grants that would allow it.</p>
${articles === '' ? '<p class="none">Nothing is denied.</p>' : articles}
</section>
${graphSection(r)}
${blockersTable(r)}
${rulesTable(rules, r)}
</main>
<footer>Generated by blockgate · policy ${esc(r.policy.revision)} · decided at ${esc(r.at)}</footer>
</body>
</html>
`;
}

/** The report's page in the registry of renderers: a readiness report in, one HTML document out. */
export const htmlRenderer = {
  format: 'html',
  readiness: (report: ReadinessReport, ctx: RenderContext) => renderReadinessHtml(report, ctx),
} satisfies Renderer;
