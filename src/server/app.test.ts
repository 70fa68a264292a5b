import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openGate } from '../gate/gate.js';
import { briefDecision } from '../gate/decision.js';
import { DecisionLog } from '../decision-log/writer.js';
import { readDecisionLog } from '../decision-log/reader.js';
import { buildApp, type AppOptions } from './app.js';
import { LiveGate } from '../live-gate.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const LEDGER_LINES = readFileSync(`${root}fixtures/fix7/grants.jsonl`, 'utf8').split('\n').filter((l) => l !== '');
const AT = '2026-11-25T12:00:00Z';
const APPLY = { action: 'apply', environment: 'production', at: AT };

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'blockgate-app-'));
  const map = join(dir, 'map.json');
  copyFileSync(`${root}fixtures/fix7/production-readiness-blocker-map.json`, map);
  const ledger = join(dir, 'grants.jsonl');
  writeFileSync(ledger, `${LEDGER_LINES.join('\n')}\n`);
  return { dir, ledger, options: { blockers: [map], ledger, trust: `${root}fixtures/trust.test-only.json` } };
}

/** Replaces the ledger by rename, as an editor or `ledger append` would. */
function replaceLedger(path: string, text: string): void {
  writeFileSync(`${path}.new`, text);
  renameSync(`${path}.new`, path);
}

const apps: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function server(extra: Partial<AppOptions> = {}) {
  const w = workspace();
  const live = new LiveGate(w.options, await openGate(w.options));
  const app = buildApp({ live, ...extra });
  apps.push(app);
  const post = (path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    app.inject({ method: 'POST', url: path, payload: typeof body === 'string' ? body : JSON.stringify(body), headers });
  return { w, live, app, post };
}

/** OPA's error body: exactly code and message, never a stack trace. */
function expectOpaError(res: { statusCode: number; json(): any; body: string }, status: number, code: string, message: RegExp) {
  expect(res.statusCode).toBe(status);
  expect(Object.keys(res.json()).sort()).toEqual(['code', 'message']);
  expect(res.json()).toEqual({ code, message: expect.stringMatching(message) });
  expect(res.body).not.toMatch(/\n\s+at |\.ts:\d+|\.js:\d+/);
}

describe('the OPA Data API', () => {
  it('answers a decision as {result, decision_id}, the result being the library decision', async () => {
    const { w, post } = await server();
    const res = await post('/v1/data/blockgate/decision', { input: APPLY });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body)).toEqual(['result', 'decision_id']);
    expect(body.decision_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.result).toEqual((await openGate(w.options)).check(APPLY));
  });

  it('answers ?answer=brief with the lists counted, ?answer=full as by default, and refuses another answer', async () => {
    const { w, post } = await server();
    const decision = (await openGate(w.options)).check(APPLY);
    const brief = await post('/v1/data/blockgate/decision?answer=brief', { input: APPLY });
    expect(brief.statusCode).toBe(200);
    expect(brief.json().result).toEqual(briefDecision(decision));
    expect(brief.json().result).toEqual({
      allowed: decision.allowed, request: decision.request, denials: decision.denials,
      counts: { satisfied: decision.satisfied.length, ignored_grants: decision.ignored_grants.length },
      warnings: decision.warnings, policy: decision.policy,
    });
    expect(decision.denials.length).toBeGreaterThan(0);
    expect((await post('/v1/data/blockgate/decision?answer=full&pretty=true', { input: APPLY })).json().result).toEqual(decision);
    expectOpaError(await post('/v1/data/blockgate/decision?answer=short', { input: APPLY }), 400, 'invalid_parameter', /^bad-request: querystring\/answer/);
  });

  it('answers the same bytes as JSON.stringify of {result, decision_id}, on a memoised answer too', async () => {
    const { post } = await server();
    for (let i = 0; i < 2; i++) {
      const res = await post('/v1/data/blockgate/decision', { input: APPLY });
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const body = res.json();
      expect(res.body).toBe(JSON.stringify({ result: body.result, decision_id: body.decision_id }));
    }
  });

  it('takes the path percent-encoded (as OPA clients send it), with a trailing slash, and any content type', async () => {
    const { post } = await server();
    for (const path of ['/v1/data/blockgate%2Fdecision', '/v1/data/blockgate/decision/', '/v1/data/blockgate%2fdecision?pretty=true']) {
      expect((await post(path, { input: APPLY })).json().result.allowed).toBe(false);
    }
    const form = await post('/v1/data/blockgate/decision', { input: APPLY }, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.json().result.request.action).toBe('apply');
  });

  it('answers plan and matrix likewise', async () => {
    const { w, post } = await server();
    const gate = await openGate(w.options);
    const plan = await post('/v1/data/blockgate/plan', { input: APPLY });
    expect(plan.json().result).toEqual(gate.plan(APPLY));
    const matrix = await post('/v1/data/blockgate/matrix', { input: { at: AT } });
    expect(matrix.json().result).toEqual({ matrix: gate.matrix(AT) });
    expect((await post('/v1/data/blockgate/matrix', {})).statusCode).toBe(200);
  });

  it('answers 400 for malformed JSON, a bad body, an invalid request', async () => {
    const { post } = await server();
    expectOpaError(await post('/v1/data/blockgate/decision', '{"input": {'), 400, 'invalid_parameter', /^bad-request: request body line 1: /);
    expectOpaError(await post('/v1/data/blockgate/decision', '{"input": {"action": "apply", "action": "cutover", "environment": "production"}}'), 400, 'invalid_parameter', /duplicate key "action"/);
    expectOpaError(await post('/v1/data/blockgate/decision', '', {}), 400, 'invalid_parameter', /^bad-request: body/);
    expectOpaError(await post('/v1/data/blockgate/decision', { input: { action: 'apply' } }), 400, 'invalid_parameter', /^bad-request: body\/input: missing required field "environment"/);
    expectOpaError(await post('/v1/data/blockgate/decision', { input: { ...APPLY, env: 'x' } }), 400, 'invalid_parameter', /unknown field "env"/);
    expectOpaError(await post('/v1/data/blockgate/decision', { input: { ...APPLY, at: 12 } }), 400, 'invalid_parameter', /body\/input\/at: must be string/);
    expectOpaError(await post('/v1/data/blockgate/decision', { input: { ...APPLY, action: 'fly' } }), 400, 'invalid_parameter', /^unknown-action: unknown action 'fly'; the built-in catalog has: /);
    expectOpaError(await post('/v1/data/blockgate/decision', { input: { ...APPLY, environment: 'moon' } }), 400, 'invalid_parameter', /^unknown-environment: /);
    expectOpaError(await post('/v1/data/blockgate/decision', { input: { ...APPLY, at: 'soon' } }), 400, 'invalid_parameter', /^bad-time: input\.at: "soon"/);
    expectOpaError(await post('/v1/data/blockgate/matrix', { input: { at: 'soon' } }), 400, 'invalid_parameter', /^bad-time: input\.at/);
    expectOpaError(await post('/v1/data/blockgate/decision', '{"__proto__": {"polluted": true}, "input": {}}'), 400, 'invalid_parameter', /unknown field "__proto__"/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers 413 over the body limit (64 KiB by default, or as configured)', async () => {
    const { post } = await server();
    const padded = JSON.stringify({ input: APPLY }).replace('{', `{${' '.repeat(64 * 1024)}`);
    expectOpaError(await post('/v1/data/blockgate/decision', padded), 413, 'invalid_parameter', /over the 65536-byte limit/);
    const small = await server({ bodyLimit: 100 });
    expectOpaError(await small.post('/v1/data/blockgate/decision', { input: { ...APPLY, target: 'x'.repeat(100) } }), 413, 'invalid_parameter', /100-byte limit/);
  });

  it('answers 404 for any other path or method', async () => {
    const { app, post } = await server();
    expectOpaError(await post('/v1/data/blockgate/allow', { input: APPLY }), 404, 'resource_not_found', /^POST \/v1\/data\/blockgate\/allow: no such document; blockgate serves/);
    expectOpaError(await app.inject({ method: 'GET', url: '/v1/data/blockgate/decision' }), 404, 'resource_not_found', /^GET /);
    expectOpaError(await app.inject({ method: 'GET', url: '/' }), 404, 'resource_not_found', /no such document/);
  });
});

describe('reloading', () => {
  it('fails closed while the inputs are invalid, with /health 503, and recovers', async () => {
    const { w, live, app, post } = await server();
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);

    replaceLedger(w.ledger, `${LEDGER_LINES[0]}\n${LEDGER_LINES[2]}\n`);
    expect(live.reload().ready).toBe(false);
    expectOpaError(await app.inject({ method: 'GET', url: '/health' }), 503, 'unavailable', /invalid since .*: ledger-sequence: /);
    // real-run in staging was allowed; now every answer is a denial carrying the error.
    const denied = await post('/v1/data/blockgate/decision', { input: { action: 'real-run', environment: 'staging', at: AT } });
    expect(denied.statusCode).toBe(200);
    expect(denied.json().result).toEqual({ allowed: false, error: { code: 'ledger-sequence', message: expect.stringMatching(/grants\.jsonl line 2: /) } });
    expect((await post('/v1/data/blockgate/plan', { input: APPLY })).json().result).toMatchObject({ allowed: false, error: { code: 'ledger-sequence' } });
    expect((await post('/v1/data/blockgate/matrix', {})).json().result).toMatchObject({ allowed: false, error: { code: 'ledger-sequence' } });
    // A request that is itself malformed is still the client's error.
    expect((await post('/v1/data/blockgate/decision', { input: { ...APPLY, at: 'soon' } })).statusCode).toBe(400);

    replaceLedger(w.ledger, `${LEDGER_LINES.join('\n')}\n`);
    expect(live.reload().ready).toBe(true);
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await post('/v1/data/blockgate/decision', { input: { action: 'real-run', environment: 'staging', at: AT } })).json().result.allowed).toBe(true);
  });

  it('never answers from a mix of two states while reloads run between requests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blockgate-app-log-'));
    const log = await DecisionLog.open(join(dir, 'decisions.jsonl'));
    const { w, live, post } = await server({ decisionLog: log });
    // State A: the whole ledger (head 6). State B: its first entry only (head 1).
    const full = `${LEDGER_LINES.join('\n')}\n`;
    const first = `${LEDGER_LINES[0]}\n`;
    const gateA = await openGate(w.options);
    const denialsOf = (d: { denials: Array<{ blocker_id: string }> }) => d.denials.map((x) => x.blocker_id).join(',');
    const expected = new Map([[6, denialsOf(gateA.check(APPLY))], [1, denialsOf(gateA.atLedgerSeq(1).check(APPLY))]]);
    expect(expected.get(6)).not.toBe(expected.get(1));

    const answers: Array<Promise<{ json(): any }>> = [];
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 10; i++) answers.push(post('/v1/data/blockgate/decision', { input: APPLY }));
      replaceLedger(w.ledger, round % 2 === 0 ? first : full);
      live.reload();
      await new Promise((r) => setImmediate(r));
    }
    const bodies = (await Promise.all(answers)).map((a) => a.json());
    await log.close();
    const heads = new Map(readDecisionLog(log.file).decisions.map(({ record }) => [record.decision_id, record.ledger_head?.seq]));
    const seen = new Set<number>();
    for (const body of bodies) {
      // SPEC 5: the rollback to head 1 is never adopted; while it is on disk every answer fails closed.
      if (body.result.error !== undefined) {
        expect(body.result.allowed).toBe(false);
        expect(body.result.error.code).toBe('ledger-truncated');
        continue;
      }
      const head = heads.get(body.decision_id)!;
      seen.add(head);
      // The denials must be exactly those of the state whose ledger head the decision saw.
      expect(denialsOf(body.result)).toBe(expected.get(head));
    }
    expect(bodies).toHaveLength(200);
    expect([...seen]).toEqual([6]);
    expect(readDecisionLog(log.file).problems).toEqual([]);
  });
});

describe('the decision log', () => {
  it('logs each decision with its id, and fail-closed answers with their error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blockgate-app-log-'));
    const log = await DecisionLog.open(join(dir, 'decisions.jsonl'));
    const { w, live, post } = await server({ decisionLog: log });
    const ok = (await post('/v1/data/blockgate/decision', { input: { ...APPLY, target: 'QT001' } })).json();
    replaceLedger(w.ledger, 'not json\n');
    live.reload();
    const failed = (await post('/v1/data/blockgate/decision', { input: APPLY })).json();
    await post('/v1/data/blockgate/plan', { input: APPLY });
    await log.close();
    const { decisions, problems } = readDecisionLog(log.file);
    expect(problems).toEqual([]);
    expect(decisions.map((d) => d.record)).toEqual([
      expect.objectContaining({
        seq: 1, decision_id: ok.decision_id, allowed: false, denials: ['FIX7-P0-DRYRUN-PROD-ROLLBACK-1'],
        request: { action: 'apply', environment: 'production', target: 'QT001', at: '2026-11-25T12:00:00.000Z' },
        policy: ok.result.policy, ledger_head: { seq: 6, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
      }),
      expect.objectContaining({ seq: 2, decision_id: failed.decision_id, allowed: false, error: expect.objectContaining({ code: 'ledger-schema' }), policy: null, ledger_head: null }),
    ]);
  });

  it('gives no decision that cannot be logged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blockgate-app-log-'));
    mkdirSync(join(dir, 'decisions.jsonl'));
    const { post } = await server({ decisionLog: await DecisionLog.open(join(dir, 'decisions.jsonl')), onInternalError: () => undefined });
    expectOpaError(await post('/v1/data/blockgate/decision', { input: APPLY }), 500, 'internal_error', /^the decision could not be logged, so it is not given: .*decisions\.jsonl/);
  });
});
