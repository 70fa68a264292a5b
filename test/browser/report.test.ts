// The readiness report in a real browser: Debian's Chromium driven by playwright-core (no
// browser download; test/browser/install-chromium.sh installs it).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, blockgate } from '../support/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const OUT = join(ROOT, '.out', 'browser');
const AT = '2026-11-25T12:00:00Z';
const FIX7 = ['--blockers', 'fixtures/fix7/production-readiness-blocker-map.json', '--ledger', 'fixtures/fix7/grants.jsonl',
  '--trust', 'fixtures/trust.test-only.json', '--at', AT];
const AFTER = ['--blockers', 'test/browser/fixtures/after-map.json', '--at', AT];

interface Row { action: string; environment: string; allowed: boolean; denials: string[] }

interface Loaded { page: Page; problems: string[]; requests: string[] }

let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run test/browser/install-chromium.sh`);
  mkdirSync(OUT, { recursive: true });
  profile = mkdtempSync(join(tmpdir(), 'blockgate-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** Writes the report for these inputs and opens it, recording console errors and every request. */
async function open(name: string, inputs: string[]): Promise<Loaded> {
  const file = join(OUT, `${name}.html`);
  const r = await blockgate(['report', ...inputs, '--html', file]);
  expect(r.code).toBe(0);
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (q) => problems.push(`request failed: ${q.url()}`));
  page.on('request', (q) => requests.push(q.url()));
  const response = await page.goto(`file://${file}`, { waitUntil: 'load' });
  expect(response?.ok()).toBe(true);
  return { page, problems, requests };
}

describe('the readiness report in Chromium', () => {
  it('FIX7: loads with no console error and fetches nothing; the matrix cells match `matrix --format json`', async () => {
    const { page, problems, requests } = await open('report-fix7', FIX7);
    const rows = (await blockgate(['matrix', ...FIX7, '--format', 'json'])).json.matrix as Row[];
    expect(rows).toHaveLength(21);
    expect(await page.title()).toBe('blockgate readiness at 2026-11-25T12:00:00.000Z');
    expect(await page.locator('td.cell').count()).toBe(rows.length);

    const green = 'rgb(218, 251, 225)';
    const red = 'rgb(255, 235, 233)';
    for (const row of rows) {
      const cell = page.locator(`td.cell[data-action="${row.action}"][data-environment="${row.environment}"]`);
      expect(await cell.count()).toBe(1);
      const seen = await cell.evaluate((el) => ({
        allowed: el.getAttribute('data-allowed'),
        verdict: el.querySelector('.verdict')?.textContent,
        background: getComputedStyle(el).backgroundColor,
        ids: [...el.querySelectorAll('ul.ids li')].map((li) => li.textContent),
      }));
      expect({ cell: `${row.action}@${row.environment}`, ...seen }).toEqual({
        cell: `${row.action}@${row.environment}`,
        allowed: String(row.allowed),
        verdict: row.allowed ? 'allowed' : 'denied',
        background: row.allowed ? green : red,
        ids: row.denials,
      });
    }
    // Spot checks, independent of the loop above.
    await expectCell(page, 'real-run', 'staging', true, []);
    await expectCell(page, 'apply', 'production', false, ['FIX7-P0-DRYRUN-PROD-ROLLBACK-1']);
    await expectCell(page, 'ci-enforcement', 'staging', false, ['FIX7-P0-PROD-CI-SCOPE-1']);

    expect(problems).toEqual([]);
    expect(requests).toEqual([`file://${join(OUT, 'report-fix7.html')}`]);
    await page.screenshot({ path: join(OUT, 'report-fix7.png'), fullPage: true });
    await page.close();
  });

  it('FIX7: a denied cell leads to its denials, missing roles, next action and plan', async () => {
    const { page, problems } = await open('report-fix7', FIX7);
    await page.locator('td.cell[data-action="cutover"][data-environment="production"] a').click();
    expect(new URL(page.url()).hash).toMatch(/^#cell-\d+$/);
    const article = page.locator(new URL(page.url()).hash);
    expect(await article.getAttribute('data-action')).toBe('cutover');
    expect(await article.isVisible()).toBe(true);
    const plan = (await blockgate(['plan', ...FIX7, '--action', 'cutover', '--env', 'production', '--format', 'json'])).json;
    expect(await article.locator('li.grant').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-role')))).toEqual(plan.grants_needed.map((g: { role: string }) => g.role));
    const rollback = article.locator('tr.denial[data-blocker="FIX7-P0-DRYRUN-PROD-ROLLBACK-1"]');
    expect(await rollback.locator('.role').allTextContents()).toEqual(['operator']);
    expect(await rollback.locator('td.next').textContent()).toBe('design and PROVE production snapshot/restore before any production apply');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('prerequisites: the after graph is drawn, with an unknown prerequisite marked', async () => {
    const { page, problems, requests } = await open('report-after', AFTER);
    const nodes = await page.locator('svg.graph g.node').evaluateAll((gs) => gs.map((g) => `${g.getAttribute('data-id')}:${g.getAttribute('class')}`).sort());
    expect(nodes).toEqual([
      'B-CUTOVER-WINDOW:node denies', 'B-NOT-LOADED:node unknown', 'B-OWNER-SIGNOFF:node denies', 'B-REPOINT-LEGACY:node denies',
      'B-ROLLBACK-DESIGN:node denies', 'B-ROLLBACK-PROOF:node denies', 'B-SECURITY-REVIEW:node denies',
    ]);
    expect(await page.locator('svg.graph path.edge').count()).toBe(5);
    // Every edge runs left to right: a prerequisite is drawn before what waits for it.
    const boxes = await page.locator('svg.graph g.node rect').evaluateAll((rs) => Object.fromEntries(rs.map((r) => [r.parentElement!.getAttribute('data-id'), Number(r.getAttribute('x'))])));
    for (const [from, to] of [['B-ROLLBACK-DESIGN', 'B-ROLLBACK-PROOF'], ['B-ROLLBACK-PROOF', 'B-OWNER-SIGNOFF'], ['B-OWNER-SIGNOFF', 'B-CUTOVER-WINDOW'], ['B-NOT-LOADED', 'B-REPOINT-LEGACY']]) {
      expect(boxes[from!]).toBeLessThan(boxes[to!]);
    }
    // Text from a map is shown as text, never as markup.
    expect(await page.locator('text=owner authorizes the production apply <after> the proofs').count()).toBeGreaterThan(0);
    await expectCell(page, 'permit', 'development', true, []);
    await expectCell(page, 'cutover', 'staging', false, ['B-CUTOVER-WINDOW']);
    expect(problems).toEqual([]);
    expect(requests).toHaveLength(1);
    await page.screenshot({ path: join(OUT, 'report-after.png'), fullPage: true });
    await page.close();
  });
});

async function expectCell(page: Page, action: string, environment: string, allowed: boolean, ids: string[]): Promise<void> {
  const cell = page.locator(`#matrix-table td.cell[data-action="${action}"][data-environment="${environment}"]`);
  expect(await cell.getAttribute('class')).toBe(`cell ${allowed ? 'allowed' : 'denied'}`);
  expect(await cell.locator('ul.ids li').allTextContents()).toEqual(ids);
}
