// Way (a): the sealed WASM bundle through the host. Files are read, validated and verified by
// the host's own loaders, the world is built by buildWorld, and the bundle decides. Every few
// worlds also go through openGate (the library's one composition) and must give the same answers.

import { loadBlockerMaps } from '../../src/inputs/maps.js';
import { loadCatalog } from '../../src/inputs/catalog.js';
import { loadTrust } from '../../src/ledger/keys.js';
import { readLedger } from '../../src/ledger/ledger.js';
import { buildWorld, type World, type WorldEntry } from '../../src/engine/world.js';
import { Engine, type PolicyRequest } from '../../src/engine/engine.js';
import type { SealedBundle } from '../../src/engine/bundle.js';
import { openGate, resolveRequest } from '../../src/index.js';
import { isDeepStrictEqual } from 'node:util';
import { BlockgateError } from '../../src/errors.js';
import type { EntryFields } from '../../src/schema/types.js';
import type { PolicyDecision, PolicyPlan } from '../../src/engine/results.js';
import type { WorldFiles } from './files.js';
import type { WorldSpec } from './world.js';

export interface HostAnswer {
  input: PolicyRequest;
  decision: PolicyDecision;
  /** Only for the requests the plan is asked for. */
  plan?: PolicyPlan;
  /** The decision after applying the plan's grants at `at` (SPEC 2.5's promise). */
  afterPlan?: PolicyDecision;
}

export interface HostResult {
  world: World;
  answers: HostAnswer[];
  /** Problems found on the way (a gate that disagrees with the engine, a refused input). */
  problems: string[];
}

const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function loadWorld(spec: WorldSpec, files: WorldFiles) {
  const catalog = loadCatalog(files.catalog);
  const { set, problems } = loadBlockerMaps(files.maps);
  if (problems.length > 0) throw BlockgateError.fromProblems(problems);
  const trust = files.trust !== undefined ? loadTrust(files.trust) : null;
  const ledger = files.ledger !== undefined ? readLedger(files.ledger, trust, { verify: spec.verify }) : null;
  const entries: WorldEntry[] = (ledger?.entries ?? []).map(({ entry, auth, line }) => ({ fields: entry, auth, line, where: `${ledger!.file} line ${line}` }));
  const trustedRoles = trust === null ? null : [...trust.keys.values()].map((k) => k.normalisedRole);
  // Who holds each key (SPEC 1.4), as the gate passes it: a key the trust file does not name is its own principal.
  const principals = trust === null ? null : new Map([...trust.keys.values()].map((k) => [k.id, k.principal]));
  // What-if revokes go to the world as the gate passes them: the grant and the instant only.
  const hypotheticalRevokes = (spec.whatIfRevokes ?? []).map((h) => ({ grantId: h.grant, at: h.at.ms, where: `--revoke "${h.grant}"` }));
  const make = (extra: WorldEntry[]) => buildWorld({ blockers: set, catalog, entries: [...entries, ...extra], verified: spec.verify, trustedRoles, principals, hypotheticalRevokes });
  return { catalog, make };
}

/** Decides every request of a world with the bundle; `planFor(i)` says which requests get a plan. */
export function hostDecide(
  spec: WorldSpec, files: WorldFiles, bundle: SealedBundle, planFor: (i: number) => boolean,
  /** For the oracle's own test: apply the plan without its first grant. */
  testing: { dropPlannedGrant?: boolean } = {},
): HostResult {
  const problems: string[] = [];
  const { catalog, make } = loadWorld(spec, files);
  const world = make([]);
  const engine = Engine.open(world, bundle);
  const answers = spec.requests.map((r, i): HostAnswer => {
    const request = { action: r.action, environment: r.environment, at: r.at.text, ...(r.target !== undefined ? { target: r.target } : {}) };
    const input = resolveRequest(catalog, request);
    const answer: HostAnswer = { input, decision: plain(engine.decide(input)) };
    if (planFor(i)) {
      const plan = plain(engine.plan(input));
      answer.plan = plan;
      // Apply the plan: one authentic grant per planned role, issued at `at`, for exactly R.
      const applied = testing.dropPlannedGrant ? plan.grants_needed.slice(1) : plan.grants_needed;
      const extra: WorldEntry[] = applied.map((g, j) => {
        const fields: EntryFields = {
          type: 'grant', id: `planned-${j}-${g.role}`, role: g.role, issued_at: new Date(input.at).toISOString(),
          action: g.action, environment: g.environment, resolves: g.resolves,
        };
        if (g.target !== null) fields.target = g.target;
        if (g.evidence_required) fields.evidence = [{ uri: 'https://plan.example/evidence', sha256: 'd'.repeat(64) }];
        return { fields, auth: 'ok', line: 1000 + j, where: `plan grant ${j}` };
      });
      if (extra.length > 0) answer.afterPlan = plain(Engine.open(make(extra), bundle).decide(input));
      else answer.afterPlan = answer.decision;
    }
    return answer;
  });
  return { world: plain(world), answers, problems };
}

/** The same world through openGate: its decisions and plans must equal the engine's. */
export async function gateAgrees(spec: WorldSpec, files: WorldFiles, host: HostResult, bundle?: SealedBundle): Promise<string[]> {
  const options: Parameters<typeof openGate>[0] = { blockers: files.maps, insecureNoVerify: !spec.verify };
  if (files.ledger !== undefined) options.ledger = files.ledger;
  if (files.trust !== undefined) options.trust = files.trust;
  if (files.catalog !== undefined) options.catalog = files.catalog;
  const gate = await openGate(options, bundle);
  const out: string[] = [];
  spec.requests.forEach((r, i) => {
    const request = { action: r.action, environment: r.environment, at: r.at.text, ...(r.target !== undefined ? { target: r.target } : {}) };
    const decided = gate.decide(request);
    const d = decided.decision;
    const mine = host.answers[i]!;
    const same = (a: unknown, b: unknown) => isDeepStrictEqual(plain(a), plain(b));
    // SPEC 3's keys from the decision; the policy's prerequisites_met_at comes beside it (for the text).
    const decision = {
      allowed: d.allowed, denials: d.denials, satisfied: d.satisfied, ignored_grants: d.ignored_grants, warnings: d.warnings,
      ...(decided.prerequisitesMetAt !== undefined ? { prerequisites_met_at: decided.prerequisitesMetAt } : {}),
    };
    const expected = mine.decision;
    if (!same(decision, expected)) {
      out.push(`request ${i}: openGate().check differs from the engine: ${JSON.stringify(decision)} vs ${JSON.stringify(expected)}`);
    }
    if (mine.plan) {
      const p = gate.plan(request);
      if (!same(p, mine.plan)) {
        out.push(`request ${i}: openGate().plan differs from the engine: ${JSON.stringify(p)} vs ${JSON.stringify(mine.plan)}`);
      }
    }
  });
  return out;
}
