// Issue 12: check --format github|sarif|junit point at each denial's map file and line, as
// matrix does; github groups a matrix's annotations per action.
import { describe, expect, it } from 'vitest';
import { blockgate } from '../support/cli.js';

const MAP = 'fixtures/fix7/production-readiness-blocker-map.json';
const INPUTS = ['--blockers', MAP, '--ledger', 'fixtures/fix7/grants.jsonl', '--trust', 'fixtures/trust.test-only.json', '--at', '2026-11-25T12:00:00Z'];
const CELL = ['--action', 'apply', '--env', 'production'];
const errorLines = (out: string) => out.split('\n').filter((l) => l.startsWith('::error'));

describe('check points at the map line', () => {
  it('github: each denial annotation carries file and line, the same as matrix says for that cell', async () => {
    const check = await blockgate(['check', ...INPUTS, ...CELL, '--format', 'github']);
    const matrix = await blockgate(['matrix', ...INPUTS, ...CELL, '--format', 'github']);
    expect([check.code, matrix.code]).toEqual([2, 0]);
    const lines = errorLines(check.stdout);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(new RegExp(`^::error title=[^,]+,file=${MAP.replace(/[.]/g, '\\.')},line=\\d+::`));
    const where = (l: string) => l.replace(/::[^:]*$/, '');
    expect(lines.map(where)).toEqual(errorLines(matrix.stdout).map(where));
  });

  it('sarif: each result has a region with the start line', async () => {
    const r = await blockgate(['check', ...INPUTS, ...CELL, '--format', 'sarif']);
    expect(r.code).toBe(2);
    const results = r.json.runs[0].results;
    expect(results.length).toBeGreaterThan(0);
    for (const result of results) {
      expect(result.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
    }
  });

  it('junit: each failure names the source file and line', async () => {
    const r = await blockgate(['check', ...INPUTS, ...CELL, '--format', 'junit']);
    expect(r.code).toBe(2);
    const sources = r.stdout.match(/source: [^\n<]+/g) ?? [];
    expect(sources.length).toBeGreaterThan(0);
    for (const s of sources) expect(s).toMatch(new RegExp(`^source: ${MAP.replace(/[.]/g, '\\.')} line \\d+$`));
  });

  it('json is unchanged: no blockers beside the decision', async () => {
    const r = await blockgate(['check', ...INPUTS, ...CELL, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(Object.keys(r.json)).toEqual(['allowed', 'request', 'denials', 'satisfied', 'ignored_grants', 'warnings', 'policy']);
  });
});

describe('matrix --format github', () => {
  it('groups each action\'s annotations: ::group::ACTION ... ::endgroup::', async () => {
    const r = await blockgate(['matrix', ...INPUTS, '--action', 'apply', '--action', 'cutover', '--format', 'github']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('::group::'))).toEqual(['::group::apply', '::group::cutover']);
    expect(lines.filter((l) => l === '::endgroup::')).toHaveLength(2);
    const apply = lines.slice(lines.indexOf('::group::apply') + 1, lines.indexOf('::endgroup::'));
    expect(apply.length).toBeGreaterThan(0);
    expect(apply.every((l) => l.startsWith('::error') && l.includes('::apply@'))).toBe(true);
  });
});
