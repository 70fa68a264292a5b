// `blockgate serve` over real HTTP: OPA's error bodies, the body limit, start-up failures.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockgate } from '../support/cli.js';
import { AT, postJson, serve, workspace, type Served, type Workspace } from './server-harness.js';

let w: Workspace;
let server: Served;

beforeAll(async () => {
  w = workspace();
  server = await serve([...w.inputs, '--body-limit', '2048']);
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

/** OPA's error body: exactly code and message, and no stack trace. */
function expectOpaError(res: { status: number; body: any }, status: number, code: string, message: RegExp) {
  expect(res.status).toBe(status);
  expect(Object.keys(res.body).sort()).toEqual(['code', 'message']);
  expect(res.body).toEqual({ code, message: expect.stringMatching(message) });
  expect(JSON.stringify(res.body)).not.toMatch(/\\n\s+at |\.[jt]s:\d+/);
}

describe('blockgate serve errors', () => {
  it('400 for malformed JSON and invalid requests, 404 for other paths, 413 over --body-limit', async () => {
    const decision = `${server.url}/v1/data/blockgate/decision`;
    expectOpaError(await postJson(decision, '{"input": '), 400, 'invalid_parameter', /^bad-request: request body line 1: /);
    expectOpaError(await postJson(decision, { input: { action: 'apply', environment: 'moon', at: AT } }), 400, 'invalid_parameter', /^unknown-environment: /);
    expectOpaError(await postJson(decision, { inputs: [] }), 400, 'invalid_parameter', /^bad-request: body: /);
    expectOpaError(await postJson(`${server.url}/v1/data/blockgate`, { input: {} }), 404, 'resource_not_found', /no such document/);
    expectOpaError(await postJson(`${server.url}/v1/data/other/allow`, { input: {} }), 404, 'resource_not_found', /no such document/);
    expectOpaError(await postJson(decision, { input: { action: 'apply', environment: 'production', target: 'x'.repeat(3000) } }), 413, 'invalid_parameter', /over the 2048-byte limit/);
    // The server is still fine after all that.
    expect((await postJson(decision, { input: { action: 'real-run', environment: 'staging', at: AT } })).body.result.allowed).toBe(true);
  });

  it('GET /health is 200 with the inputs valid', async () => {
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
  });
});

describe('blockgate serve start-up', () => {
  it('listens on 127.0.0.1 by default', async () => {
    const { spawn } = await import('node:child_process');
    const { BIN, ROOT } = await import('../support/cli.js');
    const child = spawn(process.execPath, [BIN, 'serve', ...w.inputs, '--port', '0', '--format', 'json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += String(d); });
    const deadline = Date.now() + 15_000;
    while (!out.trim().endsWith('}') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    const shown = JSON.parse(out);
    expect(shown.listening).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(shown.ledger_head.seq).toBe(6);
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(0);
    // --format json: exactly one object on stdout, the whole run.
    expect(() => JSON.parse(out)).not.toThrow();
  });

  it('refuses to start on invalid inputs (exit 3), a taken port or a bad flag (exit 1)', async () => {
    const bad = await blockgate(['serve', '--blockers', `${w.dir}/none-*.json`, '--port', '0', '--format', 'json']);
    expect(bad.code).toBe(3);
    expect(bad.json).toMatchObject({ allowed: false, error: { code: 'map-none' } });

    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as { port: number }).port;
    const busy = await blockgate(['serve', ...w.inputs, '--port', String(port), '--format', 'json']);
    taken.close();
    expect(busy.code).toBe(1);
    expect(busy.json.error).toMatchObject({ code: 'io', message: expect.stringMatching(/cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/) });

    expect((await blockgate(['serve', ...w.inputs, '--port', '70000'])).code).toBe(1);
    expect((await blockgate(['serve', ...w.inputs, '--body-limit', '0'])).code).toBe(1);
  });
});
