import { describe, expect, it } from 'vitest';
import { AT, PLAN, POLICY, RULE_CTX, RULES, blocker, denial, decision, ruleDenial, sampleMatrix, sampleRuleMatrix } from '../../test/support/render-samples.js';
import { esc, graphLayers, renderReadinessHtml } from './html.js';
import type { BlockerInfo, ReadinessReport } from './renderer.js';

function report(blockers: BlockerInfo[] = [...sampleMatrix().detail.blockers!]): ReadinessReport {
  const { rows, decisions } = sampleMatrix();
  return {
    at: AT, policy: POLICY, maps: ['maps/readiness.json'], ledger: { file: 'grants.jsonl', entries: 3, verified: true },
    rows, decisions, plans: rows.map((r) => (r.allowed ? null : PLAN)), blockers,
  };
}

describe('html report', () => {
  it('is one self-contained page: no script, no external reference, a CSP that forbids fetching', () => {
    const html = renderReadinessHtml(report());
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|src=|href="(?!#)/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it('the matrix has one cell per row, green or red, with the blocker ids', () => {
    const html = renderReadinessHtml(report());
    const cells = [...html.matchAll(/<td class="cell (allowed|denied)" data-action="([^"]*)" data-environment="([^"]*)" data-allowed="(true|false)" data-denials="([^"]*)"/g)]
      .map((m) => [m[2], m[3], m[1], m[4], m[5]]);
    expect(cells).toEqual([
      ['apply', 'production', 'denied', 'false', 'B-1 B-2'],
      ['apply', 'staging', 'allowed', 'true', ''],
      ['cutover', 'production', 'denied', 'false', 'B-1'],
      ['cutover', 'staging', 'allowed', 'true', ''],
    ]);
  });

  it('each denied request lists its denials (missing roles, reasons, next action) and its plan', () => {
    const html = renderReadinessHtml(report());
    const article = html.slice(html.indexOf('<article class="request" id="cell-0"'), html.indexOf('</article>'));
    expect(article).toContain('<tr class="denial" data-blocker="B-1">');
    expect(article).toContain('<span class="role">operator</span><span class="needs">needs all of: operator, owner</span>');
    expect(article).toContain('<span class="reason">missing-grant</span>');
    expect(article).toContain('<td class="next">next for B-1</td>');
    expect(article).toContain('<a href="#blocker-0"><code>B-1</code></a>');
    expect(html).toContain('<tr id="blocker-0"><td><code>B-1</code>');
    expect(html).toContain('maps/readiness.json:10');
    expect(article).toContain('<li class="grant" data-role="operator"><b>operator</b>: grant <code>apply@production</code> resolving <code>B-1</code>, <code>B-2</code><span class="evidence">with evidence</span></li>');
    expect(html.match(/<article class="request"/g)).toHaveLength(2);
  });

  it('rule denials: marked as rules in the matrix and the detail, with message and file; unresolvable with reason rule; a Rules table', () => {
    const { rows, decisions, detail } = sampleRuleMatrix();
    const plan = { ...PLAN, unresolvable: [{ blocker_id: 'FREEZE', reason: 'rule' }] };
    const r: ReadinessReport = {
      at: AT, policy: POLICY, maps: ['maps/readiness.json'], ledger: { file: null, entries: 0, verified: false },
      rows, decisions, plans: rows.map((x) => (x.allowed ? null : plan)), blockers: [...detail.blockers!],
    };
    const html = renderReadinessHtml(r, RULE_CTX);
    expect(html).toContain('data-denials="B-1 FREEZE"');
    expect(html).toContain('<span class="count">1 blocker, 1 rule</span><ul class="ids"><li>B-1</li><li class="rule" data-kind="rule">FREEZE (rule)</li></ul>');
    expect(html).toContain('<span class="count">1 rule</span>');
    const article = html.slice(html.indexOf('<article class="request" id="cell-0"'), html.indexOf('</article>'));
    expect(article).toContain('1 of 2 applicable blockers not satisfied, and 1 rule denies it');
    expect(article).toContain('<th>Blocker or rule</th>');
    expect(article).toContain('<tr class="denial rule" data-blocker="FREEZE" data-kind="rule"><td class="blocker"><a href="#rule-0"><code>FREEZE</code></a><span class="kind">rule</span>'
      + '<div class="item">message of FREEZE</div><div class="item mono">rules/freeze.rego</div></td>'
      + '<td class="missing"><span class="none">none</span><span class="needs">no grant can lift it</span></td><td class="reasons"><span class="reason">rule</span></td><td class="next">next for FREEZE</td></tr>');
    expect(article).toContain('<li class="unresolvable" data-blocker="FREEZE" data-reason="rule"><code>FREEZE</code>: a rule denies this: message of FREEZE; no grant can lift it</li>');
    expect(article).toContain('the request stays denied until the rule no longer denies it:');
    expect(article.slice(article.indexOf('data-kind="rule"'))).not.toMatch(/null|needs all|needs any/);
    expect(html).toContain('<tr id="rule-0" data-rule="FREEZE"><td><code>FREEZE</code><div class="item">Change freeze</div></td><td>No production apply inside a freeze window.</td><td class="denies">denies 2 requests</td><td class="mono src">rules/freeze.rego</td></tr>');
    expect(html).toContain('<tr id="rule-1" data-rule="SOD"><td><code>SOD</code></td><td><span class="none">—</span></td><td class="denies">denies no request</td><td class="mono src">rules/sod.rego</td></tr>');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|src=|href="(?!#)/i);
  });

  it('a rule that denies without being in the seal (a dynamic id) still gets its row; no rules, no Rules section', () => {
    const r = report();
    r.decisions[0] = decision('apply', 'production', [denial('B-1'), ruleDenial('DYN', { source: 'rules/dyn.rego' })]);
    r.rows[0] = { ...r.rows[0]!, denials: ['B-1', 'DYN'] };
    const html = renderReadinessHtml(r, { color: false, width: 80, rules: { FREEZE: RULES.FREEZE! } });
    expect(html).toContain('<tr id="rule-0" data-rule="DYN"><td><code>DYN</code></td>');
    expect(html).toContain('<a href="#rule-0"><code>DYN</code></a>');
    expect(html).toContain('data-rule="FREEZE"');
    expect(renderReadinessHtml(report())).not.toContain('id="rules"');
  });

  it('escapes everything that comes from a map', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const r = report();
    r.decisions[0] = decision('apply', 'production', [denial('B-1', { item: '<script>alert(1)</script>', next_action: '<img src=x onerror=alert(1)>' }), denial('B-2')]);
    const html = renderReadinessHtml(r);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('draws the after graph: a node per blocker involved, an edge per prerequisite, unknown ids marked', () => {
    const html = renderReadinessHtml(report([
      blocker('B-1'), blocker('B-2', { after: ['B-1'] }), blocker('B-3', { after: ['B-2', 'B-1', 'B-404'] }), blocker('B-9'),
    ]));
    const nodes = [...html.matchAll(/<g class="node (\w+)" data-id="([^"]+)"/g)].map((m) => [m[2], m[1]]).sort();
    expect(nodes).toEqual([['B-1', 'denies'], ['B-2', 'denies'], ['B-3', 'satisfied'], ['B-404', 'unknown']]);
    const edges = [...html.matchAll(/<path class="edge" data-from="([^"]+)" data-to="([^"]+)"/g)].map((m) => `${m[1]}->${m[2]}`).sort();
    expect(edges).toEqual(['B-1->B-2', 'B-1->B-3', 'B-2->B-3', 'B-404->B-3']);
    expect(html).toContain('<code class="unknown">B-404</code> (unknown)');
  });

  it('says so when no blocker has prerequisites', () => {
    expect(renderReadinessHtml(report())).toContain('id="no-prerequisites"');
  });

  it('lays prerequisites out left of what waits for them, even around a cycle', () => {
    const layers = graphLayers(['A', 'B', 'C', 'D'], new Map([['B', ['A']], ['C', ['B']], ['D', ['A']]]));
    expect(Object.fromEntries(layers)).toEqual({ A: 0, B: 1, C: 2, D: 1 });
    // A prerequisite sits just before its first dependent, not far left.
    expect(graphLayers(['A', 'B', 'C', 'S'], new Map([['B', ['A']], ['C', ['B', 'S']]])).get('S')).toBe(1);
    const cyclic = graphLayers(['X', 'Y'], new Map([['X', ['Y']], ['Y', ['X']]]));
    expect([...cyclic.values()].sort()).toEqual([0, 1]);
  });
});
