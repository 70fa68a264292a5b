// The differential run: worlds from fast-check, each decided by (a) the host and bundle,
// (b) opa eval, (c) the model; plans checked. Used by the test (fixed seed, a fixed count) and by
// `make fuzz` (random seeds, for as long as asked), which saves counterexamples as fixtures.

import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { readSealedBundle, type SealedBundle } from '../../src/engine/bundle.js';
import { arbWorld } from './generator.js';
import { writeWorld, type WorldFiles } from './files.js';
import { gateAgrees, hostDecide, type HostResult } from './host.js';
import { decide, readWorld, requestOf, smallestPlanSize, type ModelDecision, type Mutation } from './model.js';
import { checkPlan, checkRulePlan, compareWithModel, compareWithOpa, withRuleSources } from './compare.js';
import { opaEvaluate, type OpaCase } from './opa.js';
import { decideWithRules } from './rules-model.js';
import { arbRulesWorld, type RulesConfig } from './rules-world.js';
import type { WorldSpec } from './world.js';

export const COUNTEREXAMPLES = fileURLToPath(new URL('./counterexamples/', import.meta.url));

/** Which requests of a world also get a plan: two of four, to keep OPA's share of the time down. */
const planFor = (i: number) => i % 2 === 0;

export interface WorldFailure { world: WorldSpec; failures: string[] }

/** A run with a rule bundle (SPEC 6): the examples' bundle, their settings, and their sources for opa eval. */
export interface RulesRun {
  bundle: SealedBundle;
  config: RulesConfig;
  /** The rules' .rego (tests excluded) and data.json files, for `opa eval` beside policies/. */
  opaSources: string[];
  /** Rule id -> its file, from the bundle's seal (what the host fills into a rule denial's source). */
  ruleFiles: Record<string, string>;
}

export interface Stats {
  worlds: number;
  decisions: number;
  plans: number;
  allowed: number;
  gateWorlds: number;
  reasons: Map<string, number>;
  ignoredReasons: Map<string, number>;
  /** Warning codes, with the reason for revoke-without-effect ("revoke-without-effect/unknown-key"). */
  warnings: Map<string, number>;
  /** Rule denials by id, and "ID alone" when the blockers alone would have allowed the request. */
  rules: Map<string, number>;
  opaCases: number;
  inProcessMs: number;
  opaMs: number;
}

export function newStats(): Stats {
  return { worlds: 0, decisions: 0, plans: 0, allowed: 0, gateWorlds: 0, reasons: new Map(), ignoredReasons: new Map(), warnings: new Map(), rules: new Map(), opaCases: 0, inProcessMs: 0, opaMs: 0 };
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

interface Checked {
  world: WorldSpec;
  host: HostResult | undefined;
  failures: string[];
  files: WorldFiles;
}

/** (a) and (c), and the plan checks, for one world; files are written under `root`. */
export function checkInProcess(world: WorldSpec, root: string, bundle: SealedBundle, opts: { mutation?: Mutation; stats?: Stats; rules?: RulesConfig } = {}): Checked {
  const dir = mkdtempSync(join(root, 'w-'));
  const files = writeWorld(world, dir);
  let host: HostResult;
  try {
    host = hostDecide(world, files, bundle, planFor);
  } catch (e) {
    // Every generated world is valid: the host must load and decide it.
    return { world, host: undefined, failures: [`the host refused a valid world: ${(e as Error).message}`], files };
  }
  const failures: string[] = [...host.problems];
  let model: ReturnType<typeof readWorld>;
  try {
    model = readWorld(world, opts.mutation);
  } catch (e) {
    return { world, host, failures: [`the model cannot read the world: ${(e as Error).message}`], files };
  }
  world.requests.forEach((r, i) => {
    const answer = host.answers[i]!;
    const req = requestOf(r);
    const expected: ModelDecision = opts.rules ? decideWithRules(world, model, req, opts.rules, opts.mutation) : decide(model, req, opts.mutation);
    for (const f of compareWithModel(answer.decision, expected)) failures.push(`request ${i} ${JSON.stringify(r)}: ${f}`);
    if (answer.plan !== undefined && (opts.mutation ?? 'none') === 'none') {
      const planCheck = opts.rules ? checkRulePlan : checkPlan;
      for (const f of planCheck(answer, smallestPlanSize(model, req))) failures.push(`request ${i} plan: ${f}`);
    }
    if (opts.stats) {
      const s = opts.stats;
      s.decisions++;
      if (answer.plan) s.plans++;
      if (answer.decision.allowed) s.allowed++;
      for (const d of answer.decision.denials) for (const reason of d.reasons) bump(s.reasons, reason);
      for (const g of answer.decision.ignored_grants) bump(s.ignoredReasons, g.reason);
      const ruleIds = answer.decision.denials.filter((d) => (d as { kind?: string }).kind === 'rule').map((d) => d.blocker_id);
      for (const id of ruleIds) bump(s.rules, id);
      if (ruleIds.length > 0 && ruleIds.length === answer.decision.denials.length) for (const id of new Set(ruleIds)) bump(s.rules, `${id} alone`);
      for (const w of expected.warnings) bump(s.warnings, w.code === 'revoke-without-effect' ? `${w.code}/${w.key.split('|')[3]}` : w.code);
    }
  });
  if (opts.stats) opts.stats.worlds++;
  return { world, host, failures, files };
}

/** At most `n` opa processes at once. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

export interface RunOptions {
  seed: number;
  worlds: number;
  /** Worlds per opa process. */
  chunk?: number;
  stats?: Stats;
  /** Every n-th world also goes through openGate. */
  gateEvery?: number;
  /** opa processes at once (default 2). */
  opaProcesses?: number;
  /** Break the model on purpose (the oracle's own test). */
  mutation?: Mutation;
  /** Decide with a rule bundle: rule worlds, the rules' model, opa with the rules' sources. */
  rules?: RulesRun;
  /** false: stop at the first failing world without shrinking it (a check that a failure is found at all). */
  shrink?: boolean;
}

/**
 * Runs `worlds` generated worlds. (a) and (c) run in this process as fast-check drives the
 * generator (a failure there is shrunk); (b) runs per chunk in opa processes, overlapping with
 * the next chunk's work. Returns every failing world.
 */
export async function differentialRun(opts: RunOptions): Promise<WorldFailure[]> {
  const bundle = opts.rules?.bundle ?? readSealedBundle();
  const root = mkdtempSync(join(tmpdir(), 'blockgate-diff-'));
  const inProcess = { ...(opts.mutation ? { mutation: opts.mutation } : {}), ...(opts.rules ? { rules: opts.rules.config } : {}) };
  const failures: WorldFailure[] = [];
  const chunkSize = opts.chunk ?? 250;
  const gateEvery = opts.gateEvery ?? 10;
  let pending: Checked[] = [];
  const opaRuns: Promise<void>[] = [];
  let index = 0;
  const limitOpa = limiter(opts.opaProcesses ?? 2);

  const flush = () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    const worlds: unknown[] = [];
    const cases: OpaCase[] = [];
    const owners: { checked: Checked; request: number }[] = [];
    for (const c of batch) {
      if (!c.host) continue;
      const w = worlds.push(c.host.world) - 1;
      c.host.answers.forEach((a, i) => {
        cases.push({ world: w, input: a.input, plan: a.plan !== undefined });
        owners.push({ checked: c, request: i });
      });
    }
    if (opts.stats) opts.stats.opaCases += cases.length;
    opaRuns.push(limitOpa(async () => {
      const t0 = performance.now();
      const answers = withRuleSources(await opaEvaluate(worlds, cases, opts.rules?.opaSources), opts.rules?.ruleFiles);
      if (opts.stats) opts.stats.opaMs += performance.now() - t0;
      const byWorld = new Map<Checked, string[]>();
      owners.forEach(({ checked, request }, k) => {
        for (const f of compareWithOpa(checked.host!.answers[request]!, answers[k])) {
          const list = byWorld.get(checked) ?? [];
          list.push(`request ${request} opa: ${f}`);
          byWorld.set(checked, list);
        }
      });
      for (const [checked, list] of byWorld) failures.push({ world: checked.world, failures: list });
    }));
  };

  const gateChecks: Promise<void>[] = [];
  // Async, so that the opa processes started for earlier chunks run while this one is generated.
  const property = fc.asyncProperty(opts.rules ? arbRulesWorld(opts.rules.config) : arbWorld, async (world) => {
    const useGate = index % gateEvery === 0;
    index++;
    const t0 = performance.now();
    const checked = checkInProcess(world, root, bundle, { ...inProcess, stats: opts.stats });
    if (opts.stats) opts.stats.inProcessMs += performance.now() - t0;
    if (checked.failures.length > 0) return false;
    // openGate's check has no what-if revokes: worlds with them are compared three ways only.
    if (useGate && checked.host && world.whatIfRevokes === undefined) {
      if (opts.stats) opts.stats.gateWorlds++;
      gateChecks.push(gateAgrees(world, checked.files, checked.host, opts.rules?.bundle).then((list) => {
        if (list.length > 0) failures.push({ world, failures: list.map((f) => `openGate: ${f}`) });
      }));
    }
    pending.push(checked);
    if (pending.length >= chunkSize) {
      flush();
      // Let finished opa processes report and queued ones start.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return true;
  });

  try {
    const result = await fc.check(property, { seed: opts.seed, numRuns: opts.worlds, endOnFailure: opts.shrink === false });
    if (result.failed && result.counterexample) {
      const world = result.counterexample[0];
      const again = checkInProcess(world, root, bundle, inProcess);
      failures.push({ world, failures: again.failures.length > 0 ? again.failures : [`failed: ${String(result.errorInstance ?? 'property false')}`] });
      // Worlds run while shrinking are not all valid comparisons for opa; drop the batch.
      pending = pending.filter((c) => c.failures.length === 0);
    }
    flush();
    await Promise.all(opaRuns);
    await Promise.all(gateChecks);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return failures;
}

/** Replays one saved world through all three ways. */
export async function replay(world: WorldSpec, mutation: Mutation = 'none', rules?: RulesRun): Promise<string[]> {
  const bundle = rules?.bundle ?? readSealedBundle();
  const root = mkdtempSync(join(tmpdir(), 'blockgate-replay-'));
  try {
    const checked = checkInProcess(world, root, bundle, rules ? { mutation, rules: rules.config } : { mutation });
    const failures = [...checked.failures];
    if (checked.host) {
      const cases: OpaCase[] = checked.host.answers.map((a) => ({ world: 0, input: a.input, plan: a.plan !== undefined }));
      const answers = withRuleSources(await opaEvaluate([checked.host.world], cases, rules?.opaSources), rules?.ruleFiles);
      checked.host.answers.forEach((a, i) => {
        for (const f of compareWithOpa(a, answers[i])) failures.push(`request ${i} opa: ${f}`);
      });
      // And through openGate, as every few generated worlds are (none with what-if revokes: check has none).
      if (world.whatIfRevokes === undefined) {
        for (const f of await gateAgrees(world, checked.files, checked.host, rules?.bundle)) failures.push(`openGate: ${f}`);
      }
    }
    return failures;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export interface Counterexample {
  /** Why it was saved: the first failures. */
  found: string[];
  seed?: number;
  /** Set when the failure is a known, reported bug: the replay is then expected to fail. */
  bug?: string;
  world: WorldSpec;
}

/** Saves a failing world as a fixture the normal run replays; returns its path. */
export function saveCounterexample(failure: WorldFailure, seed?: number, dir: string = COUNTEREXAMPLES): string {
  mkdirSync(dir, { recursive: true });
  const text = JSON.stringify(failure.world);
  const name = `ce-${createHash('sha256').update(text).digest('hex').slice(0, 12)}.json`;
  const path = join(dir, name);
  const record: Counterexample = { found: failure.failures.slice(0, 5).map((f) => f.slice(0, 2000)), world: failure.world };
  if (seed !== undefined) record.seed = seed;
  writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
  return path;
}

export function savedCounterexamples(dir: string = COUNTEREXAMPLES): { name: string; record: Counterexample }[] {
  let names: string[] = [];
  try { names = readdirSync(dir).filter((f) => f.endsWith('.json')).sort(); } catch { return []; }
  return names.map((name) => ({ name, record: JSON.parse(readFileSync(join(dir, name), 'utf8')) as Counterexample }));
}
