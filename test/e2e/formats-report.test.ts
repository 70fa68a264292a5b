// blockgate report --html: the page is written, or the command fails saying why.
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockgate } from '../support/cli.js';

const INPUTS = ['--blockers', 'fixtures/fix7/production-readiness-blocker-map.json', '--ledger', 'fixtures/fix7/grants.jsonl',
  '--trust', 'fixtures/trust.test-only.json', '--at', '2026-11-25T12:00:00Z'];
const tmp = () => mkdtempSync(join(tmpdir(), 'bg-report-'));

describe('blockgate report --html', () => {
  it('writes one self-contained page and says what it holds', async () => {
    const file = join(tmp(), 'readiness.html');
    const r = await blockgate(['report', ...INPUTS, '--html', file, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.json).toEqual({ report: file, at: '2026-11-25T12:00:00.000Z', cells: 21, allowed: 1, denied: 20 });
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html.match(/<td class="cell /g)).toHaveLength(21);
    expect(html.match(/<article class="request"/g)).toHaveLength(20);
    expect(html).not.toMatch(/<script|src=|href="(?!#)|url\(|@import/i);
    const text = await blockgate(['report', ...INPUTS, '--html', file]);
    expect(text.stdout).toBe(`report: ${file}\nat: 2026-11-25T12:00:00.000Z\ncells: 21\nallowed: 1\ndenied: 20\n`);
  });

  it('an unwritable path: exit 1, naming the file and why', async () => {
    const r = await blockgate(['report', ...INPUTS, '--html', '/nonexistent-dir/readiness.html', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.json.error).toEqual({ code: 'io', message: '/nonexistent-dir/readiness.html: cannot write the report: ENOENT' });
    const dir = tmp();
    mkdirSync(join(dir, 'taken.html'));
    const isDir = await blockgate(['report', ...INPUTS, '--html', join(dir, 'taken.html')]);
    expect(isDir.code).toBe(1);
    expect(isDir.stderr).toContain(`${join(dir, 'taken.html')}: cannot write the report: EISDIR`);
  });

  it('no --html: usage error, exit 1', async () => {
    const r = await blockgate(['report', ...INPUTS]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('html');
  });

  it('invalid input: exit 3, and no page is written', async () => {
    const file = join(tmp(), 'readiness.html');
    const r = await blockgate(['report', '--blockers', 'fixtures/fix7/grants.jsonl', '--html', file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('map-parse');
    expect(existsSync(file)).toBe(false);
  });
});
