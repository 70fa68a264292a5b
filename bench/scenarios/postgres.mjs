// The PostgreSQL ledger (SPEC 7, issue 14), on a real PostgreSQL started in a temporary
// directory by the tests' harness (test/support/postgres.ts, transpiled by esbuild):
//   append latency p50/p99, one writer and 8 concurrent writers (each append a `blockgate
//   ledger append` process, as a host runs it); commit-to-served p50/p99 across two `serve`
//   instances (from the append's acknowledgement to both serving it); load of a 10,000-entry
//   ledger from the database beside the same ledger from a file (one run, interleaved).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { BLOCKGATE, OUT, ROOT, freePort, lib, median, percentile, startServer, stopServer } from '../lib.mjs';

const TRUST = join(ROOT, 'fixtures', 'trust.test-only.json');
const KEY = join(ROOT, 'fixtures', 'keys', 'owner-1.test-only.key');
const SEED_MAP = join(ROOT, 'fixtures', 'fix7', 'production-readiness-blocker-map.json');
const SEED_LEDGER = join(ROOT, 'fixtures', 'fix7', 'grants.jsonl');
const AT = '2026-11-25T12:00:00Z';

async function harness() {
  const out = join(OUT, 'postgres-harness.mjs');
  mkdirSync(OUT, { recursive: true });
  buildSync({ entryPoints: [join(ROOT, 'test', 'support', 'postgres.ts')], outfile: out, format: 'esm', platform: 'node', bundle: false });
  return import(new URL(`file://${out}`).href);
}

function blockgate(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BLOCKGATE, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`blockgate ${args.slice(0, 2).join(' ')} exited ${code}: ${output.slice(-1500)}`))));
  });
}

const appendArgs = (url, id) => ['ledger', 'append', '--ledger', url, '--key', KEY, '--key-id', 'owner-1', '--trust', TRUST, '--id', id,
  '--action', 'apply', '--env', 'production', '--resolves', 'FIX7-P0-PROD-OPT4-1', '--issued-at', '2026-11-20T10:00:00Z',
  '--max-skew', '3650d', '--format', 'json'];

async function timedAppend(url, id) {
  const t0 = performance.now();
  await blockgate(appendArgs(url, id));
  return performance.now() - t0;
}

async function table(url, file) {
  await blockgate(['ledger', 'init', '--ledger', url, '--format', 'json']);
  if (file) await blockgate(['ledger', 'import', '--ledger', url, file, '--format', 'json']);
}

const sorted = (xs) => [...xs].sort((a, b) => a - b);

async function servedGrants(url) {
  const res = await fetch(`${url}/v1/data/blockgate/decision`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ input: { action: 'apply', environment: 'production', at: AT } }),
  });
  const body = await res.json();
  return body.result?.satisfied?.find((s) => s.blocker_id === 'FIX7-P0-PROD-OPT4-1')?.grants ?? [];
}

/** `{ row, log, notes, quick, bigOptions }` from bench/run.mjs; bigOptions: the 1000x10000 world's inputs. */
export async function postgresScenario({ row, log, notes, quick, bigOptions }) {
  const { startPostgres, postgresBinDir, POSTGRES_MISSING } = await harness();
  if (!postgresBinDir()) { notes.push(`postgres: ${POSTGRES_MISSING}`); return; }
  const server = await startPostgres();
  try {
    const appends = quick ? 10 : 40;
    log(`postgres: append latency, one writer (${appends} appends)`);
    await table(server.url('one_writer'));
    const one = [];
    for (let i = 0; i < appends; i++) one.push(await timedAppend(server.url('one_writer'), `B1-${i}`));
    row('postgres', 'append p50 (one writer, ledger append process)', 'ms', percentile(sorted(one), 50), null, null);
    row('postgres', 'append p99 (one writer, ledger append process)', 'ms', percentile(sorted(one), 99), null, null);

    const perWriter = quick ? 3 : 10;
    log(`postgres: append latency, 8 concurrent writers (${perWriter} each)`);
    await table(server.url('eight_writers'));
    const eight = (await Promise.all(Array.from({ length: 8 }, async (_, w) => {
      const mine = [];
      for (let i = 0; i < perWriter; i++) mine.push(await timedAppend(server.url('eight_writers'), `B8-${w}-${i}`));
      return mine;
    }))).flat();
    row('postgres', 'append p50 (8 concurrent writers)', 'ms', percentile(sorted(eight), 50), null, null);
    row('postgres', 'append p99 (8 concurrent writers)', 'ms', percentile(sorted(eight), 99), null, null);

    const rounds = quick ? 5 : 20;
    log(`postgres: commit-to-served across two servers (${rounds} appends)`);
    const fleet = server.url('fleet');
    await table(fleet, SEED_LEDGER);
    const servers = [];
    for (let k = 0; k < 2; k++) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      servers.push({ url, process: await startServer(process.execPath, [BLOCKGATE, 'serve', '--host', '127.0.0.1', '--port', String(port),
        '--blockers', SEED_MAP, '--ledger', fleet, '--trust', TRUST], `${url}/health`) });
    }
    try {
      const served = [];
      for (let i = 0; i < rounds; i++) {
        const id = `SERVED-${i}`;
        await blockgate(appendArgs(fleet, id));
        const acknowledged = performance.now();
        await Promise.all(servers.map(async (s) => {
          const deadline = acknowledged + 60_000;
          while (!(await servedGrants(s.url)).includes(id)) {
            if (performance.now() > deadline) throw new Error(`${s.url} did not serve ${id} within 60 s`);
            await new Promise((r) => setTimeout(r, 2));
          }
          served.push(performance.now() - acknowledged);
        }));
      }
      row('postgres', 'commit-to-served p50 (two servers, from the append acknowledged)', 'ms', percentile(sorted(served), 50), null, null);
      row('postgres', 'commit-to-served p99 (two servers)', 'ms', percentile(sorted(served), 99), null, null);
    } finally {
      for (const s of servers) await stopServer(s.process);
    }

    const loads = quick ? 2 : 5;
    log(`postgres: load of the 10,000-entry ledger, database beside file (${loads} each, interleaved)`);
    const big = server.url('big');
    await table(big, join(ROOT, bigOptions.ledger));
    const fromDb = [];
    const fromFile = [];
    let entries = 0;
    for (let i = 0; i < loads; i++) {
      for (const [ledger, samples] of [[big, fromDb], [bigOptions.ledger, fromFile]]) {
        const t0 = performance.now();
        const gate = await lib.openGate({ ...bigOptions, ledger });
        samples.push(performance.now() - t0);
        entries = gate.loaded.ledger.entries?.length ?? entries;
        await gate.close?.();
      }
    }
    row('postgres', `openGate, ${entries || 10000}-entry ledger from PostgreSQL, median`, 'ms', median(fromDb), null, null);
    row('postgres', 'openGate, the same ledger from its file, median', 'ms', median(fromFile), null, null);
  } finally {
    server.destroy();
  }
}
