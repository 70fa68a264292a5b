// What every scenario shares: the worlds (as blockgate loads them and as OPA is given them),
// timing and percentiles, child processes, and the OPA CLI. Nothing here asserts a time.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = join(ROOT, '.out', 'bench');
export const OPA = process.env.OPA ?? join(ROOT, '.tools', 'bin', 'opa');
export const BLOCKGATE = join(ROOT, 'bin', 'blockgate');

const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;
if (!existsSync(new URL('../dist/index.js', import.meta.url))) {
  throw new Error('dist/ is missing: run `make setup` first (make bench does)');
}
const lib = await import(dist('index.js'));
const { Gate } = await import(dist('gate/gate.js'));
const { loadState, worldOf, entriesOf } = await import(dist('gate/state.js'));
const { Engine } = await import(dist('engine/engine.js'));
const { buildRules } = await import(dist('rules/build.js'));
export { lib, loadState, Gate, Engine, buildRules };

// ---- the policy: the bundle's sources, as the Makefile lists and hashes them ----

/** policies/**.rego without tests, sorted as `LC_ALL=C sort` sorts (bytes). */
export function policySources() {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(join(ROOT, dir))) {
      const path = `${dir}/${name}`;
      if (statSync(join(ROOT, path)).isDirectory()) walk(path);
      else if (name.endsWith('.rego') && !name.endsWith('_test.rego')) out.push(path);
    }
  };
  walk('policies');
  return out.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** True when bundles/seal.json was sealed from exactly these sources (the Makefile's hash). */
export function bundleMatchesSources() {
  const h = createHash('sha256');
  for (const f of policySources()) {
    h.update(`${f}\0`);
    h.update(readFileSync(join(ROOT, f)));
    h.update('\0');
  }
  const seal = JSON.parse(readFileSync(join(ROOT, 'bundles', 'seal.json'), 'utf8'));
  return seal.source_sha256 === h.digest('hex');
}

export const opaPolicyArgs = () => policySources().flatMap((f) => ['-d', join(ROOT, f)]);

// ---- worlds ----

/** The same data document the engine loads into WASM: the gate's own (src/gate/state.ts). */
export function worldOfState(state) {
  return worldOf(state.catalog, state.blockers, state.trust, entriesOf(state.ledger), state.ledger.verified);
}

/**
 * One world, loaded once: the gate options (what a user passes), the library gate (memo on, as
 * openGate builds it), the same gate with the memo off, and data.json for OPA with `at` in ms.
 */
export async function loadWorld(name, options, request, bundle) {
  const gate = await lib.openGate(options, bundle);
  const state = gate.loaded;
  const world = worldOfState(state);
  const gateNoMemo = new Gate({ ...state, engine: Engine.open(world, state.bundle, { memo: false }) });
  const dir = join(OUT, 'opa', name);
  mkdirSync(dir, { recursive: true });
  const dataFile = join(dir, 'data.json');
  writeFileSync(dataFile, JSON.stringify({ world }));
  const policyInput = { action: request.action, environment: request.environment, at: Date.parse(request.at) };
  if (request.target) policyInput.target = request.target;
  const inputFile = join(dir, 'input.json');
  writeFileSync(inputFile, JSON.stringify(policyInput));
  const applicable = applicableCount(world, request);
  return { name, options, request, gate, gateNoMemo, world, dataFile, inputFile, policyInput, applicable };
}

/** Blockers that apply to the request, and grant links (grant, relevant blocker) it looks at. */
export function applicableCount(world, request) {
  const tags = [...world.catalog.actions[request.action].tags, ...world.catalog.environments[request.environment].tags];
  const applies = new Set();
  for (const tag of tags) for (const id of world.blockers_by_tag[tag] ?? []) if (!world.resolved[id]) applies.add(id);
  const relevant = new Set(applies);
  for (const id of applies) for (const p of world.blockers[id].after) if (world.blockers[p]) relevant.add(p);
  let links = 0;
  for (const id of relevant) links += (world.grants_by_blocker[id] ?? []).length;
  return { blockers: applies.size, relevant: relevant.size, links };
}

/** CLI flags for the same inputs. */
export function cliInputArgs(options) {
  const args = [];
  for (const b of options.blockers) args.push('--blockers', b);
  if (options.ledger) args.push('--ledger', options.ledger);
  if (options.trust) args.push('--trust', options.trust);
  return args;
}

// ---- statistics ----

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export const median = (xs) => percentile([...xs].sort((a, b) => a - b), 50);

/**
 * Calls fn(i) repeatedly, timing each call: `warmup` untimed calls, then at least `min` and at
 * most `max` timed calls, stopping early once `budgetMs` is spent. Returns µs samples, sorted.
 */
export function timeCalls(fn, { warmup = 200, min = 30, max = 20000, budgetMs = 5000 } = {}) {
  for (let i = 0; i < warmup; i++) fn(i);
  const samples = [];
  const end = performance.now() + budgetMs;
  for (let i = 0; i < max; i++) {
    const t0 = process.hrtime.bigint();
    fn(warmup + i);
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
    if (i + 1 >= min && performance.now() > end) break;
  }
  return samples.sort((a, b) => a - b);
}

// ---- processes ----

/** Wall time of a whole process, ms, with its output. */
export function timeProcess(cmd, args) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts a server process and resolves once `healthUrl` answers 200; rejects after timeoutMs. */
export async function startServer(cmd, args, healthUrl, timeoutMs = 120000) {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  let exited = null;
  child.on('exit', (code) => { exited = code; });
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (exited !== null) throw new Error(`${relative(ROOT, cmd)} exited (${exited}) before serving:\n${output.slice(-2000)}`);
    try {
      const res = await fetch(healthUrl);
      if (res.status === 200) return { child, output: () => output };
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  throw new Error(`${relative(ROOT, cmd)} did not become healthy within ${timeoutMs} ms:\n${output.slice(-2000)}`);
}

export function stopServer(server) {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) return resolve();
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 5000);
    server.child.once('exit', () => { clearTimeout(timer); resolve(); });
    server.child.kill('SIGTERM');
  });
}

// ---- OPA ----

export function opaVersion() {
  const r = spawnSync(OPA, ['version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return /^Version: (.*)$/m.exec(r.stdout)?.[1] ?? null;
}

/**
 * `opa bench` (Go interpreter, prepared query) on the policy sources, data and input: p50/p99
 * from its query-eval histogram when present, else ns/op for both. `extraSources`: more Rego and
 * data files (a team's rules and their data.json) beside policies/.
 */
export function opaBench(dataFile, inputFile, query = 'data.blockgate.decision', extraSources = []) {
  const args = ['bench', ...opaPolicyArgs(), ...extraSources.flatMap((f) => ['-d', f]), '-d', dataFile, '-i', inputFile, '--format', 'json',
    '--benchmem=false', '--optimize-store-for-read-speed', query];
  const r = spawnSync(OPA, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`opa bench failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const out = JSON.parse(r.stdout);
  const extra = out.Extra ?? {};
  const nsPerOp = out.T / out.N;
  const p50 = extra['histogram_timer_rego_query_eval_ns_median'];
  const p99 = extra['histogram_timer_rego_query_eval_ns_99%'];
  const fromHistogram = typeof p50 === 'number' && typeof p99 === 'number';
  return {
    n: out.N,
    p50Us: (fromHistogram ? p50 : nsPerOp) / 1000,
    p99Us: (fromHistogram ? p99 : nsPerOp) / 1000,
    nsPerOp,
    source: fromHistogram ? 'histogram' : 'ns/op',
  };
}
