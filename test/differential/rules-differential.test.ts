// Differential correctness with rules (SPEC 6): the four example rules built into one bundle
// (once for this file), and generated rule worlds (rules-world.ts) decided by (a) that bundle
// through the host and openGate, (b) policies/blockgate + the examples' Rego and data.json under
// native `opa eval`, (c) the model of SPEC 2 with the examples' rules (rules-model.ts). They must
// agree; the plan lists the rule denials as unresolvable and keeps its promise for the blockers.
//
// RULES_DIFF_WORLDS worlds (default 300) from a fixed seed (RULES_DIFF_SEED), plus every saved
// counterexample under counterexamples/rules/. Failing worlds go to .out/counterexamples/rules/
// (move one to counterexamples/rules/ to keep it as a regression case).

import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExampleRules } from './rules-bundle.js';
import { differentialRun, newStats, replay, saveCounterexample, savedCounterexamples, type RulesRun, type WorldFailure } from './run.js';
import { distinctHolders, localTime, originAllowed } from './rules-model.js';

const env = process.env;
const WORLDS = Number(env.RULES_DIFF_WORLDS ?? 300);
const SEED = Number(env.RULES_DIFF_SEED ?? 20261202);
const SAVED = fileURLToPath(new URL('./counterexamples/rules/', import.meta.url));
const OUT_DIR = fileURLToPath(new URL('../../.out/counterexamples/rules/', import.meta.url));
const RULE_IDS = ['change-freeze', 'separation-of-duties', 'max-grant-lifetime', 'evidence-origin'];

let rules: Awaited<ReturnType<typeof buildExampleRules>>;

function report(failures: WorldFailure[]): string {
  return failures.slice(0, 3).map((f) => `${f.failures.slice(0, 4).join('\n  ')}\n  world: ${JSON.stringify(f.world).slice(0, 4000)}`).join('\n\n');
}

describe('the rules model reads the examples README as written', () => {
  it('evidence origin: https, an allowed host in any case, a port of digits, nothing else', () => {
    const hosts = ['docs.example.com', 'evidence.example.org'];
    for (const uri of ['https://docs.example.com/x', 'HTTPS://DOCS.example.com:443', 'https://evidence.example.org?a#b', 'https://docs.example.com#@evil.example']) {
      expect(originAllowed(uri, hosts), uri).toBe(true);
    }
    for (const uri of ['https://docs.example.com@evil.example/', 'https://docs.example.com./', 'https://docs.example.com:/', 'https://docs.example.com:4a/',
      'http://docs.example.com/', 'https://evil.example#@docs.example.com', ' https://docs.example.com/', 'https://docs.example.com:1:2/']) {
      expect(originAllowed(uri, hosts), uri).toBe(false);
    }
  });

  it('separation of duties: a matching of roles to distinct principals (Hall)', () => {
    const h = (o: Record<string, string[]>) => new Map(Object.entries(o).map(([k, v]) => [k, new Set(v)]));
    expect(distinctHolders(['a', 'b'], h({ a: ['alice'], b: ['alice'] }))).toBe(false);
    expect(distinctHolders(['a', 'b'], h({ a: ['alice', 'bob'], b: ['alice'] }))).toBe(true);
    expect(distinctHolders(['a', 'b', 'c'], h({ a: ['alice', 'bob', 'carol'], b: ['alice'], c: ['alice'] }))).toBe(false);
  });

  it('change freeze: the end shown in the window zone', () => {
    expect(localTime(Date.parse('2027-01-04T08:00:00+01:00'), 'Europe/Berlin')).toBe('2027-01-04 08:00 Europe/Berlin');
    expect(localTime(Date.parse('2027-04-01T13:30:00Z'), 'America/New_York')).toBe('2027-04-01 09:30 America/New_York');
    expect(localTime(Date.parse('2027-02-03T04:05:06Z'), 'UTC')).toBe('2027-02-03 04:05:06 UTC');
  });
});

describe('with the four examples built into one bundle', () => {
  beforeAll(async () => { rules = await buildExampleRules(); }, 300_000);
  afterAll(() => rules?.remove());

  describe('saved rule counterexamples', () => {
    const saved = savedCounterexamples(SAVED);
    it('are all readable', () => expect(saved.every((s) => s.record.world !== undefined)).toBe(true));
    for (const { name, record } of saved) {
      const test = record.bug ? it.fails : it;
      test(`${name}${record.bug ? ` (BUG: ${record.bug})` : ''}`, async () => {
        expect(await replay(record.world, 'none', rules)).toEqual([]);
      }, 60_000);
    }
  });

  describe('differential with the four example rules: bundle vs opa eval vs model', () => {
    it(`agrees on ${WORLDS} generated rule worlds`, async () => {
      const stats = newStats();
      const started = Date.now();
      const failures = await differentialRun({ seed: SEED, worlds: WORLDS, stats, rules, chunk: 100 });
      console.log(`rules differential: ${stats.worlds} worlds, ${stats.decisions} decisions (${stats.allowed} allowed), ${stats.plans} plans, `
        + `${stats.opaCases} opa cases, ${stats.gateWorlds} worlds also through openGate, ${((Date.now() - started) / 1000).toFixed(1)} s`);
      console.log(`rule denials: ${JSON.stringify(Object.fromEntries(stats.rules))}`);
      console.log(`warnings: ${JSON.stringify(Object.fromEntries(stats.warnings))}`);
      const what = new Map<string, number>();
      for (const f of failures) for (const line of f.failures) { const k = line.replace(/^request \d+ /, '').split(':')[0]!; what.set(k, (what.get(k) ?? 0) + 1); }
      if (failures.length > 0) console.log(`failures by kind: ${JSON.stringify(Object.fromEntries(what))}`);
      for (const f of new Set(failures.slice(0, 3))) console.log(`counterexample saved: ${saveCounterexample(f, SEED, OUT_DIR)}`);
      expect(failures.length, report(failures)).toBe(0);
      expect(stats.worlds).toBeGreaterThanOrEqual(WORLDS);
      expect(stats.allowed).toBeGreaterThan(0);
      // Every rule denies somewhere, and somewhere alone (the blocker maps alone would allow).
      for (const id of RULE_IDS) {
        expect(stats.rules.get(id) ?? 0, `rule ${id}`).toBeGreaterThan(0);
        expect(stats.rules.get(`${id} alone`) ?? 0, `rule ${id} alone`).toBeGreaterThan(0);
      }
      expect(stats.warnings.get('max-grant-lifetime-warning') ?? 0, 'warning max-grant-lifetime-warning').toBeGreaterThan(0);
    }, 600_000);

    it('catches a model that reads the rules wrongly (the comparison can fail)', async () => {
      const broken = (change: (c: RulesRun['config']) => void): RulesRun => {
        const config = structuredClone(rules.config);
        change(config);
        return { ...rules, config };
      };
      // A day more of lifetime, and a freeze window that ends an hour later, in the model only.
      const longer = broken((c) => { c.max_grant_lifetime.max_days += 1; });
      const later = broken((c) => { const w = c.change_freeze.windows[0]!; w.end = new Date(Date.parse(w.end) + 3_600_000).toISOString(); });
      for (const run of [longer, later]) {
        const failures = await differentialRun({ seed: SEED, worlds: 60, rules: run, chunk: 100, gateEvery: 1000, shrink: false });
        expect(failures.length).toBeGreaterThan(0);
      }
    }, 600_000);
  });
});
