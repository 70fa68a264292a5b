// A server that can be crashed or confused is worse than none: garbage files, malformed bodies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { AT, eventually, replaceFile, serve, workspace, type Served, type Workspace } from './server-harness.js';

/** Bounded by count: this test sends nothing but to its own loopback server. */
const REQUESTS = Number(process.env.BLOCKGATE_FAULT_REQUESTS ?? 10_000);
const CONCURRENCY = 16;

function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]);
}

/** A malformed body for each i: broken JSON, wrong types, unknown fields, huge, deep, odd keys. */
function malformed(i: number): { body: string; status: number } {
  const cases: Array<{ body: string; status: number }> = [
    { body: '{"input": {"action": "apply", ', status: 400 },
    { body: 'not json at all', status: 400 },
    { body: '{"input": {"action": 5, "environment": "production"}}', status: 400 },
    { body: '{"input": {"action": "apply", "environment": "production", "rogue": 1}}', status: 400 },
    { body: '{"input": {"action": "fly", "environment": "production"}}', status: 400 },
    { body: '{"input": {"action": "apply", "environment": "production", "at": "yesterday"}}', status: 400 },
    { body: '{"input": {"action": "apply", "action": "apply", "environment": "production"}}', status: 400 },
    { body: '{"__proto__": {"allowed": true}, "input": {"action": "apply", "environment": "production", "at": "2026-11-25T12:00:00Z"}}', status: 400 },
    { body: `{"input": ${'['.repeat(1000)}${']'.repeat(1000)}}`, status: 400 },
    { body: `{"input": {"action": "${'a'.repeat(70_000)}", "environment": "production"}}`, status: 413 },
    { body: '\u0000\u0001\u0002', status: 400 },
    { body: '', status: 400 },
  ];
  return cases[i % cases.length]!;
}

describe('server under faults', () => {
  let ws: Workspace;
  let server: Served;
  const decision = (body: string) =>
    fetch(`${server.url}/v1/data/blockgate/decision`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const valid = JSON.stringify({ input: { action: 'real-run', environment: 'staging', at: AT } });

  beforeAll(async () => {
    ws = workspace();
    server = await serve(ws.inputs);
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
  });

  it(`stays up and answers correctly through ${REQUESTS} requests, half malformed, with memory flat`, { timeout: 300_000 }, async () => {
    // Warm up before measuring memory.
    for (let i = 0; i < 500; i++) await decision(i % 2 ? valid : malformed(i).body);
    const before = rssKiB(server.child.pid!);
    let next = 0;
    const wrong: string[] = [];
    const worker = async () => {
      while (next < REQUESTS) {
        const i = next++;
        if (i % 2 === 0) {
          const r = await decision(valid);
          const json = await r.json() as { result?: { allowed?: boolean } };
          if (r.status !== 200 || json.result?.allowed !== true) wrong.push(`#${i} valid: ${r.status}`);
        } else {
          const { body, status } = malformed(i);
          const r = await decision(body);
          const json = await r.json() as { code?: string; message?: string; result?: unknown };
          if (r.status !== status || typeof json.code !== 'string' || 'result' in json || /\n\s+at /.test(json.message ?? '')) {
            wrong.push(`#${i} malformed case ${i % 12}: ${r.status} ${JSON.stringify(json).slice(0, 120)}`);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(wrong.slice(0, 5)).toEqual([]);
    const after = rssKiB(server.child.pid!);
    // Flat: garbage collection makes RSS wobble, but not grow with the request count.
    expect(after).toBeLessThan(before * 1.5 + 16 * 1024);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('fails closed when the ledger is replaced with garbage, and recovers when it is restored', { timeout: 60_000 }, async () => {
    const good = readFileSync(ws.ledger, 'utf8');
    replaceFile(ws.ledger, '\u0000\u00ff garbage {{{ not a ledger\n');
    expect(await eventually(async () => (await fetch(`${server.url}/health`)).status === 503, 10_000)).toBe(true);
    const denied = await (await decision(valid)).json() as { result: { allowed: boolean; error?: { code: string } } };
    expect(denied.result.allowed).toBe(false);
    expect(denied.result.error?.code).toBe('ledger-schema');
    replaceFile(ws.ledger, good);
    expect(await eventually(async () => (await fetch(`${server.url}/health`)).status === 200, 10_000)).toBe(true);
    const allowed = await (await decision(valid)).json() as { result: { allowed: boolean } };
    expect(allowed.result.allowed).toBe(true);
  });
});
