// Hot reload of a running `blockgate serve`: files changed on disk (by rename and in place) are
// loaded and verified in full before they are used; invalid files fail every decision closed
// until they are valid again; concurrent requests during reloads see one whole state each.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { blockgate } from '../support/cli.js';
import { AT, LEDGER_LINES, eventually, postJson, replaceFile, serve, workspace, type Served } from './server-harness.js';

const running: Served[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function start(args: string[]): Promise<Served> {
  const s = await serve(args);
  running.push(s);
  return s;
}

const health = async (s: Served) => (await fetch(`${s.url}/health`)).status;
const decide = (s: Served, action: string, environment: string) =>
  postJson(`${s.url}/v1/data/blockgate/decision`, { input: { action, environment, at: AT } });

describe('blockgate serve hot reload', () => {
  it('fails closed while the ledger is invalid (/health 503) and recovers by itself', { timeout: 60_000 }, async () => {
    const w = workspace();
    const s = await start(w.inputs);
    expect((await decide(s, 'real-run', 'staging')).body.result.allowed).toBe(true);

    // A broken chain: line 3 removed, replaced by rename as an editor would.
    replaceFile(w.ledger, `${[LEDGER_LINES[0], LEDGER_LINES[1], LEDGER_LINES[3]].join('\n')}\n`);
    expect(await eventually(async () => (await health(s)) === 503)).toBe(true);
    const health503 = await (await fetch(`${s.url}/health`)).json();
    expect(health503).toEqual({ code: 'unavailable', message: expect.stringMatching(/ledger-sequence: .*grants\.jsonl line 3/) });
    const denied = await decide(s, 'real-run', 'staging');
    expect(denied.status).toBe(200);
    expect(denied.body.result).toEqual({ allowed: false, error: { code: 'ledger-sequence', message: expect.stringMatching(/grants\.jsonl line 3/) } });

    replaceFile(w.ledger, `${LEDGER_LINES.join('\n')}\n`);
    expect(await eventually(async () => (await health(s)) === 200)).toBe(true);
    expect((await decide(s, 'real-run', 'staging')).body.result.allowed).toBe(true);
    expect(s.stderr()).toMatch(/inputs invalid, every decision is denied until they are fixed: ledger-sequence/);
    expect(s.stderr()).toMatch(/inputs reloaded \(ledger head 6\)/);
  });

  it('reloads a blocker map edited in place, and an untrusted trust file', { timeout: 60_000 }, async () => {
    const w = workspace();
    const s = await start(w.inputs);
    const original = readFileSync(w.map, 'utf8');

    writeFileSync(w.map, original.replace('"blockers"', '"blockers" "oops"'));
    expect(await eventually(async () => (await health(s)) === 503)).toBe(true);
    expect((await decide(s, 'real-run', 'staging')).body.result.error.code).toBe('map-parse');

    // Resolving the rollback blocker in the map itself allows production apply.
    const map = JSON.parse(original);
    map.resolved_in_this_macro = ['FIX7-P0-DRYRUN-PROD-ROLLBACK-1'];
    writeFileSync(w.map, JSON.stringify(map));
    expect(await eventually(async () => (await decide(s, 'apply', 'production')).body.result.allowed === true)).toBe(true);
    expect(await health(s)).toBe(200);

    // A trust file without the owner's key: the owner's grants no longer count.
    const trust = JSON.parse(readFileSync(w.trust, 'utf8'));
    trust.keys = trust.keys.filter((k: { id: string }) => k.id !== 'owner-1');
    replaceFile(w.trust, JSON.stringify(trust));
    let last: any;
    const untrusted = await eventually(async () => {
      last = (await decide(s, 'real-run', 'staging')).body.result;
      return last.allowed === false && last.error === undefined;
    });
    expect(untrusted, JSON.stringify(last)).toBe(true);
    expect(last.ignored_grants).toContainEqual(expect.objectContaining({ grant_id: 'G-OWNER-REALRUN-1', reason: 'unknown-key' }));
  });

  it('answers concurrent requests during reloads each from one whole state, and logs them all', { timeout: 120_000 }, async () => {
    const w = workspace();
    const log = join(w.dir, 'decisions.jsonl');
    // SPEC 5: the server never moves back, so the ledger only grows here: heads 1 to 6, each a
    // state whose denials for production apply are known beforehand.
    const prefix = (k: number) => `${LEDGER_LINES.slice(0, k).join('\n')}\n`;
    const denials = (r: { denials: Array<{ blocker_id: string }> }) => r.denials.map((d) => d.blocker_id).join(',');
    const expected = new Map<number, string>();
    for (let k = 1; k <= LEDGER_LINES.length; k++) {
      replaceFile(w.ledger, prefix(k));
      expected.set(k, denials((await blockgate(['check', ...w.inputs, '--action', 'apply', '--env', 'production', '--at', AT, '--format', 'json'])).json));
    }
    expect(expected.get(1)).not.toBe(expected.get(LEDGER_LINES.length));
    replaceFile(w.ledger, prefix(1));
    const s = await start([...w.inputs, '--decision-log', log]);
    const answers: Array<Promise<{ status: number; body: any }>> = [];
    for (let i = 0; i < 12; i++) answers.push(decide(s, 'apply', 'production'));
    await Promise.all(answers);
    for (let k = 2; k <= LEDGER_LINES.length; k++) {
      replaceFile(w.ledger, prefix(k));
      for (let i = 0; i < 12; i++) answers.push(decide(s, 'apply', 'production'));
      await new Promise((r) => setTimeout(r, 40 + (k % 3) * 40));
    }
    // Until the newest state answers (a generous bound: a busy machine only makes this slower).
    expect(await eventually(async () => denials((await decide(s, 'apply', 'production')).body.result) === expected.get(LEDGER_LINES.length), 60_000)).toBe(true);
    for (let i = 0; i < 12; i++) answers.push(decide(s, 'apply', 'production'));
    const results = await Promise.all(answers);
    expect(await s.stop()).toBe(0);

    const logged = new Map(readFileSync(log, 'utf8').split('\n').filter((l) => l !== '')
      .map((l) => JSON.parse(l)).map((r) => [r.decision_id, r]));
    const seen = new Set<number>();
    for (const { status, body } of results) {
      expect(status).toBe(200);
      const record = logged.get(body.decision_id);
      expect(record).toBeDefined();
      seen.add(record.ledger_head.seq);
      // The denials are exactly those of the ledger the logged head names: never a mix.
      expect(denials(body.result)).toBe(expected.get(record.ledger_head.seq));
      expect(record.denials.join(',')).toBe(denials(body.result));
    }
    // Head 1 answered first; the last twelve came after a state with head 6's denials answered,
    // and the server never moves back, so a later head answered too (which one depends on timing).
    expect(seen.has(1)).toBe(true);
    expect(Math.max(...seen)).toBeGreaterThan(1);

    // Every state was a prefix of the final ledger, so every logged decision replays the same.
    const replay = await blockgate(['replay', log, ...w.inputs, '--format', 'json']);
    expect(replay.json).toMatchObject({ valid: true, verdict: 'match', changed: 0, problems: [] });
    expect(replay.json.decisions).toBeGreaterThan(results.length);
    expect(replay.json.matched).toBe(replay.json.decisions);
    expect(replay.code).toBe(0);
  });

  it('shuts down on SIGINT and SIGTERM with exit 0', { timeout: 60_000 }, async () => {
    const w = workspace();
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const s = await start(w.inputs);
      expect(await health(s)).toBe(200);
      expect(await s.stop(signal)).toBe(0);
    }
  });
});
