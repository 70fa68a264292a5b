// `check --decision-log` and `blockgate replay`: a hash-chained log of decisions, each replayed
// over the ledger prefix it saw; tampering with the log or the ledger is reported.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockgate, FIX7, ROOT } from '../support/cli.js';

const AT = '2026-11-25T12:00:00Z';
const LEDGER_LINES = readFileSync(`${FIX7}/grants.jsonl`, 'utf8').split('\n').filter((l) => l !== '');

interface Setup { dir: string; ledger: string; log: string; inputs: string[] }

function setup(): Setup {
  const dir = mkdtempSync(join(tmpdir(), 'blockgate-replay-e2e-'));
  const ledger = join(dir, 'grants.jsonl');
  const map = join(dir, 'map.json');
  copyFileSync(`${FIX7}/production-readiness-blocker-map.json`, map);
  return { dir, ledger, log: join(dir, 'decisions.jsonl'), inputs: ['--blockers', map, '--ledger', ledger, '--trust', `${ROOT}fixtures/trust.test-only.json`] };
}

/** Logs decisions over a growing ledger: 2 entries, then all 6 (as grants were appended). */
async function logHistory(s: Setup): Promise<void> {
  const check = (action: string, env: string, at = AT) =>
    blockgate(['check', ...s.inputs, '--action', action, '--env', env, '--at', at, '--decision-log', s.log]);
  writeFileSync(s.ledger, `${LEDGER_LINES.slice(0, 2).join('\n')}\n`);
  expect((await check('apply', 'production')).code).toBe(2);
  expect((await check('real-run', 'staging')).code).toBe(2);
  writeFileSync(s.ledger, `${LEDGER_LINES.join('\n')}\n`);
  expect((await check('real-run', 'staging')).code).toBe(0);
  expect((await check('apply', 'production', '2026-11-21T00:00:00Z')).code).toBe(2);
  expect((await check('ci-enforcement', 'production')).code).toBe(2);
}

const replay = (s: Setup, format = 'json') => blockgate(['replay', s.log, ...s.inputs, '--format', format]);
const logLines = (s: Setup) => readFileSync(s.log, 'utf8').split('\n').filter((l) => l !== '');
const writeLines = (s: Setup, lines: string[]) => writeFileSync(s.log, `${lines.join('\n')}\n`);

let base: Setup;
let baseLog: string;
beforeAll(async () => {
  base = setup();
  await logHistory(base);
  baseLog = readFileSync(base.log, 'utf8');
}, 120_000);

/** A fresh copy of the logged history, to tamper with. */
function history(): Setup {
  const s = setup();
  writeFileSync(s.ledger, `${LEDGER_LINES.join('\n')}\n`);
  writeFileSync(s.log, baseLog.replaceAll(base.dir, s.dir));
  return s;
}

describe('check --decision-log', () => {
  it('writes one chained line per decision, with the ledger head each decision saw', () => {
    const lines = logLines(base).map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.seq, l.request.action, l.allowed, l.ledger_head.seq])).toEqual([
      [1, 'apply', false, 2], [2, 'real-run', false, 2], [3, 'real-run', true, 6], [4, 'apply', false, 6], [5, 'ci-enforcement', false, 6],
    ]);
    expect(lines[0].prev).toBe('0'.repeat(64));
    expect(lines[2]).toMatchObject({
      decision_id: expect.stringMatching(/^[0-9a-f-]{36}$/), timestamp: expect.stringMatching(/Z$/),
      request: { action: 'real-run', environment: 'staging', target: null, at: '2026-11-25T12:00:00.000Z' },
      denials: [], policy: { revision: expect.any(String), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(lines[0].denials.length).toBeGreaterThan(0);
  });

  it('keeps --format json to one object on stdout', async () => {
    const s = history();
    const r = await blockgate(['check', ...s.inputs, '--action', 'apply', '--env', 'production', '--at', AT, '--decision-log', s.log, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.json.allowed).toBe(false);
    expect(logLines(s)).toHaveLength(6);
  });

  it('gives no decision when the log cannot be written (exit 1), and logs a fail-closed answer', async () => {
    const s = history();
    mkdirSync(join(s.dir, 'a-directory'));
    const unwritable = await blockgate(['check', ...s.inputs, '--action', 'real-run', '--env', 'staging', '--at', AT, '--decision-log', join(s.dir, 'a-directory'), '--format', 'json']);
    expect(unwritable.code).toBe(1);
    expect(unwritable.json).toMatchObject({ allowed: false, error: { code: 'io', message: expect.stringMatching(/a-directory/) } });

    writeFileSync(s.ledger, `${LEDGER_LINES[1]}\n`);
    const invalid = await blockgate(['check', ...s.inputs, '--action', 'real-run', '--env', 'staging', '--at', AT, '--decision-log', s.log, '--format', 'json']);
    expect(invalid.code).toBe(3);
    const last = JSON.parse(logLines(s).at(-1)!);
    expect(last).toMatchObject({ seq: 6, allowed: false, error: { code: expect.stringMatching(/^ledger-/) }, ledger_head: null, policy: null });
  });
});

describe('replay', () => {
  it('exits 0 when every decision still matches, in text and JSON', async () => {
    const s = history();
    const text = await replay(s, 'text');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^OK {2}replay: 0 errors, 0 warnings \(lines 5, decisions 5, matched 5, changed 0/m);
    const json = await replay(s);
    expect(json.code).toBe(0);
    expect(json.json).toMatchObject({ valid: true, verdict: 'match', lines: 5, decisions: 5, matched: 5, changed: 0, problems: [] });
  });

  it('exits 3 for an edited line (the next line no longer chains to it)', async () => {
    const s = history();
    const lines = logLines(s);
    lines[2] = lines[2]!.replace('"allowed":true', '"allowed":false');
    writeLines(s, lines);
    const r = await replay(s);
    expect(r.code).toBe(3);
    expect(r.json.verdict).toBe('broken');
    expect(r.json.problems).toContainEqual({ severity: 'error', code: 'log-chain', message: expect.stringMatching(/decisions\.jsonl line 4: prev does not match the hash of line 3/) });
    // The edit is also a decision that no longer matches.
    expect(r.json.problems).toContainEqual(expect.objectContaining({ code: 'decision-changed', message: expect.stringMatching(/line 3: .*was denied, is now allowed/) }));
  });

  it('exits 3 for a deleted line', async () => {
    const s = history();
    const lines = logLines(s);
    lines.splice(1, 1);
    writeLines(s, lines);
    const r = await replay(s);
    expect(r.code).toBe(3);
    expect(r.json.problems.map((p: { code: string; message: string }) => [p.code, p.message.match(/line (\d+)/)?.[1]])).toEqual([['log-chain', '2'], ['log-chain', '2']]);
    expect(r.json.matched).toBe(4);
  });

  it('exits 3 for a torn last line or a line that is no record', async () => {
    const s = history();
    writeFileSync(s.log, readFileSync(s.log, 'utf8').slice(0, -30));
    const torn = await replay(s);
    expect(torn.code).toBe(3);
    expect(torn.json.problems[0]).toMatchObject({ code: 'log-schema', message: expect.stringMatching(/line 5: has no final newline/) });

    const t = history();
    writeFileSync(t.log, `${readFileSync(t.log, 'utf8')}{"seq": 6}\n`);
    expect((await replay(t)).json.problems).toContainEqual(expect.objectContaining({ code: 'log-schema', message: expect.stringMatching(/line 6: .*missing required field/) }));
  });

  it('exits 3 when the ledger was truncated below a logged head', async () => {
    const s = history();
    writeFileSync(s.ledger, `${LEDGER_LINES.slice(0, 3).join('\n')}\n`);
    const r = await replay(s);
    expect(r.code).toBe(3);
    expect(r.json.problems.map((p: { code: string }) => p.code)).toEqual(['ledger-truncated', 'ledger-truncated', 'ledger-truncated']);
    expect(r.json.matched).toBe(2);
  });

  it('exits 3 when the ledger was rewritten (validly signed and chained, but not what was decided over)', async () => {
    const s = history();
    writeFileSync(s.ledger, `${LEDGER_LINES[0]}\n`);
    const key = (id: string) => ['--key', `${ROOT}fixtures/keys/${id}.test-only.key`, '--key-id', id, '--trust', `${ROOT}fixtures/trust.test-only.json`];
    for (let i = 2; i <= 6; i++) {
      const r = await blockgate(['ledger', 'append', '--ledger', s.ledger, ...key('owner-1'), '--id', `G-OTHER-${i}`, '--max-skew', '3650d', '--issued-at', '2026-11-20T10:00:00Z', '--action', 'permit', '--env', 'staging', '--resolves', 'FIX7-P0-PLAN-SEPARATE-AUTH-1']);
      expect(r.code, r.stderr).toBe(0);
    }
    const r = await replay(s);
    expect(r.code).toBe(3);
    expect(r.json.problems).toHaveLength(5);
    expect(r.json.problems[0]).toMatchObject({ code: 'ledger-rewritten', message: expect.stringMatching(/line 1: decision .* saw ledger entry 2 with hash [0-9a-f]{64}, but .*grants\.jsonl line 2 now hashes to/) });
  });

  it('exits 2 when decisions no longer match (the blocker map changed)', async () => {
    const s = history();
    const map = JSON.parse(readFileSync(`${FIX7}/production-readiness-blocker-map.json`, 'utf8'));
    map.resolved_in_this_macro = ['FIX7-P0-PROD-CI-SCOPE-1'];
    writeFileSync(join(s.dir, 'map.json'), JSON.stringify(map));
    const r = await replay(s);
    expect(r.json.problems).toEqual([expect.objectContaining({ code: 'decision-changed', message: expect.stringMatching(/line 5: decision .* \(ci-enforcement in production at 2026-11-25T12:00:00\.000Z\) was denied by .*, is now denied by /) })]);
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ valid: false, verdict: 'changed', matched: 4, changed: 1 });
    const text = await replay(s, 'text');
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/error decision-changed: /);
  });

  it('exits 1 for a log that is not there, 3 for invalid inputs', async () => {
    const s = history();
    const missing = await blockgate(['replay', join(s.dir, 'none.jsonl'), ...s.inputs, '--format', 'json']);
    expect(missing.code).toBe(1);
    expect(missing.json.error.code).toBe('io');
    writeFileSync(s.ledger, 'not json\n');
    expect((await replay(s)).code).toBe(3);
  });
});
