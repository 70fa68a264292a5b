import { describe, expect, it } from 'vitest';
import { AT, PLAN, POLICY, blocker, denial, decision, sampleMatrix } from '../../test/support/render-samples.js';
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
