// Rules decide in the policy and fail closed (SPEC 6, issue 11): built bundles through the
// library (openGate with bundleDir), each kind of bad rule output an error with its code and
// exit code, never an allow; a rule that denies reads like a blocker denial; the memo stays
// exact over the change-freeze example at and around each window edge.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRules } from '../../src/rules/build.js';
import { openGate } from '../../src/gate/gate.js';
import type { Gate } from '../../src/gate/gate.js';
import { readSealedBundle } from '../../src/engine/bundle.js';
import { Engine } from '../../src/engine/engine.js';
import { buildWorld, type WorldEntry } from '../../src/engine/world.js';
import { loadBlockerMaps } from '../../src/inputs/maps.js';
import { DEFAULT_CATALOG } from '../../src/inputs/catalog.js';
import { exitCodeForError } from '../../src/cli/exit.js';
import type { BlockgateError } from '../../src/errors.js';
import { OPA } from '../differential/opa.js';
import { writeRulesDir } from '../rules-bundle/rules-dir.js';
import { rejection, thrown } from '../support/thrown.js';

// B-PERMIT blocks only permit: apply in production has no applicable blocker, so the blocker map allows it.
const MAP = { blockers: [{ id: 'B-PERMIT', item: 'permit review', actor_needed: 'owner', next_action: 'review', blocks: 'permit' }] };

// One bundle, each output chosen by the request's target, so one build serves every case.
const OUTPUTS = `package blockgate.rules

# METADATA
# title: Denies on request
# description: Denies when the target says so.
deny contains {"id": "on-request", "message": "denied on request", "next_action": "ask again"} if input.target == "deny"

deny contains {"id": "no-message"} if input.target == "missing-message"

deny contains {"id": "extra-key", "message": "m", "severity": "high"} if input.target == "extra-key"

deny contains {"id": 7, "message": "m"} if input.target == "number-id"

deny contains {"id": "B-PERMIT", "message": "m"} if input.target == "conflict"

warn contains {"id": "noted", "message": "noted on request"} if input.target == "warn"

warn contains {"id": "ledger-not-verified", "message": "forged"} if input.target == "core-warning"
`;

const FAILING = `package blockgate.rules

two(_) := 1 if input.target == "function-conflict"

two(_) := 2 if input.target == "function-conflict"

deny contains {"id": "two-outputs", "message": "m"} if two(1) == 1

deny contains {"id": "bad-time", "message": "m"} if {
	startswith(input.target, "time:")
	time.parse_rfc3339_ns(substring(input.target, 5, -1)) > 0
}
`;

const CLOCK = `package blockgate.rules

deny contains {"id": "clock", "message": "m"} if time.now_ns() < 0
`;

const BAD_BREAKPOINTS = `package blockgate.rules

deny contains {"id": "soon", "message": "m"} if input.at > 5

breakpoints contains "soon"
`;

let root: string;
let mapFile: string;
let outputs: string;
let clock: string;
let badBreakpoints: string;
let examples: string;

let builds = 0;
let outputsRules: string;

/** The bundle directory `blockgate build` writes for the rules in `rules`. */
async function built(rules: string): Promise<string> {
  const out = join(root, `out-${++builds}`);
  await buildRules({ rules, out, opa: OPA });
  return out;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'bg-rules-decide-'));
  mapFile = join(root, 'map.json');
  writeFileSync(mapFile, JSON.stringify(MAP));
  // One at a time: the machine's cores are shared.
  outputsRules = writeRulesDir(root, { 'outputs.rego': OUTPUTS, 'failing.rego': FAILING });
  outputs = await built(outputsRules);
  clock = await built(writeRulesDir(root, { 'clock.rego': CLOCK }));
  badBreakpoints = await built(writeRulesDir(root, { 'soon.rego': BAD_BREAKPOINTS }));
  examples = await built('examples/rules');
});

const open = (bundleDir: string): Promise<Gate> => openGate({ blockers: [mapFile], bundleDir });
const request = (target: string) => ({ action: 'apply', environment: 'production', target, at: '2026-11-20T00:00:00Z' });

/** The decision and the plan both fail with `code` (and the CLI's exit code), never deciding. */
function expectFailure(gate: Gate, target: string, code: string, exit: 1 | 3, ...mentions: string[]): BlockgateError {
  const e = thrown(() => gate.check(request(target)));
  expect([e.code, exitCodeForError(e)], e.message).toEqual([code, exit]);
  for (const m of mentions) expect(e.message).toContain(m);
  const p = thrown(() => gate.plan(request(target)));
  expect([p.code, p.message]).toEqual([e.code, e.message]);
  return e;
}

describe('a rule denies in the policy', () => {
  it('denies what the blocker map allows, as a denial of kind rule with the rule\'s file as its source', async () => {
    const gate = await open(outputs);
    expect(gate.check(request('nothing')).allowed).toBe(true);
    const d = gate.check(request('deny'));
    expect(d.allowed).toBe(false);
    expect(d.denials).toEqual([{
      kind: 'rule', blocker_id: 'on-request', item: 'denied on request', next_action: 'ask again', actor_needed: null,
      blocks: [], required_roles: [], mode: null, missing_roles: [], reasons: ['rule'], source: `${outputsRules}/outputs.rego`,
    }]);
    expect(gate.plan(request('deny'))).toEqual({ allowed: false, grants_needed: [], unresolvable: [{ blocker_id: 'on-request', reason: 'rule' }] });
  });

  it('a rule\'s warning is {code: its id, message} and never changes allowed', async () => {
    const d = (await open(outputs)).check(request('warn'));
    expect(d.allowed).toBe(true);
    expect(d.warnings).toEqual([{ code: 'noted', message: 'noted on request' }]);
  });

  it('a blocker denial carries kind blocker', async () => {
    const d = (await open(outputs)).check({ action: 'permit', environment: 'staging', at: '2026-11-20T00:00:00Z' });
    expect(d.denials.map((x) => [x.kind, x.blocker_id, x.mode, x.source])).toEqual([['blocker', 'B-PERMIT', 'all', mapFile]]);
  });
});

describe('a rule that does not answer as SPEC 6 says makes the decision an error, never an allow', () => {
  it.each([
    ['missing-message', 'no-message', 'its message is not a non-empty string: {"id":"no-message"}'],
    ['extra-key', 'extra-key', 'it has the key(s) severity (only id, message, next_action)'],
    // WASM's json.marshal writes keys in its own order, so only the reason is matched.
    ['number-id', 'the rules', 'its id is not a non-empty string: {'],
    ['core-warning', 'ledger-not-verified', 'the id is the code of one of blockgate\'s own warnings'],
  ])('a malformed output (%s) is rule-error, exit 1, naming the rule', async (target, named, why) => {
    const e = expectFailure(await open(outputs), target, 'rule-error', 1, named, why, 'is malformed');
    if (named !== 'the rules') expect(e.file).toMatch(/\/outputs\.rego$/);
  });

  it('a deny id equal to a blocker id is rule-conflict, exit 3', async () => {
    const e = expectFailure(await open(outputs), 'conflict', 'rule-conflict', 3, 'rule "B-PERMIT"', 'the id is a blocker\'s');
    expect(e.message).toMatch(/outputs\.rego: rule "B-PERMIT"/);
  });

  it('a function with two outputs for one input is rule-error naming the rules file and line', async () => {
    const e = expectFailure(await open(outputs), 'function-conflict', 'rule-error', 1, `${outputsRules}/failing.rego line 5: `, 'var assignment conflict');
    expect([e.file, e.line]).toEqual([`${outputsRules}/failing.rego`, 5]);
  });

  it('a time builtin that fails is rule-error naming the builtin', async () => {
    expectFailure(await open(outputs), 'time:not a time', 'rule-error', 1, 'time.parse_rfc3339_ns');
  });

  it('after a failing evaluation the same gate still decides the next request', async () => {
    const gate = await open(outputs);
    thrown(() => gate.check(request('function-conflict')));
    expect(gate.check(request('deny')).denials.map((d) => d.blocker_id)).toEqual(['on-request']);
    expect(gate.check(request('nothing')).allowed).toBe(true);
  });

  it('a breakpoint that is not an instant is rule-error when the gate opens', async () => {
    const e = await rejection(open(badBreakpoints));
    expect([e.code, exitCodeForError(e)]).toEqual(['rule-error', 1]);
    expect(e.message).toContain('breakpoints must be instants (integer epoch ms), and the rules gave "soon"');
  });
});

describe('a failure in blockgate\'s own policy (a bundle without rules)', () => {
  it('is internal, never rule-error, and never a decision', () => {
    const engine = Engine.open(buildWorld({ blockers: { blockers: new Map(), resolved: new Map(), maps: [] }, catalog: DEFAULT_CATALOG, entries: [], verified: true, trustedRoles: null }), readSealedBundle(), { memo: false });
    (engine as unknown as { policy: { evaluate: () => unknown } }).policy.evaluate = () => { throw new Error('the policy aborted: policies/blockgate/decision.rego:3:1: var assignment conflict'); };
    const e = thrown(() => engine.decide({ action: 'apply', environment: 'production', at: 0 }));
    expect([e.code, e.message, e.line]).toEqual(['internal', 'policies/blockgate/decision.rego line 3: the policy failed: var assignment conflict', 3]);
  });
});

describe('the memo with rules', () => {
  const HOUR = 3_600_000;
  // change-freeze's windows (examples/rules/change-freeze/data.json).
  const EDGES = { 'year-end start': 1797872400000, 'year-end end': 1799046000000, 'quarter-close start': 1806292800000, 'quarter-close end': 1806586200000 };

  function freezeWorld() {
    const dir = mkdtempSync(join(root, 'map-'));
    const map = join(dir, 'prod.json');
    writeFileSync(map, JSON.stringify({ blockers: [{ id: 'B-PROD', item: 'owner approval', actor_needed: 'owner', next_action: 'approve', blocks: 'production' }] }));
    const { set } = loadBlockerMaps([map]);
    const iso = (ms: number) => new Date(ms).toISOString();
    // The owner's grants for apply and cutover expire an hour into the year-end freeze: the blocker
    // decision changes inside a window too. Ten days long: within max-grant-lifetime's 14.
    const entries: WorldEntry[] = ['apply', 'cutover'].map((action, i) => ({
      fields: {
        type: 'grant', id: `G-${action}`, role: 'owner', action, environment: 'production', resolves: ['B-PROD'],
        issued_at: iso(EDGES['year-end start'] - 10 * 24 * HOUR), expires_at: iso(EDGES['year-end start'] + HOUR),
      },
      auth: 'ok', line: i + 1, where: `ledger line ${i + 1}`,
    }));
    return buildWorld({ blockers: set, catalog: DEFAULT_CATALOG, entries, verified: true, trustedRoles: null });
  }

  it('lists the freeze windows\' edges among the breakpoints, and agrees with no memo at and around each edge', () => {
    const bundle = readSealedBundle(examples);
    const world = freezeWorld();
    const memo = Engine.open(world, bundle);
    const plain = Engine.open(world, bundle, { memo: false });
    expect(memo.memoised).toBe(true);
    for (const edge of Object.values(EDGES)) expect(memo.breakpoints).toContain(edge);
    const times = Object.values(EDGES).flatMap((t) => [t - 1, t, t + 1]);
    // Memo first at each edge's neighbours, in both orders, so a class shared across an edge would show.
    for (const order of [times, [...times].reverse()]) {
      const memoOn = Engine.open(world, bundle);
      for (const at of order) {
        for (const action of ['apply', 'cutover', 'permit']) {
          for (const environment of ['production', 'staging']) {
            const req = { action, environment, at };
            expect(memoOn.decide(req), `${action} ${environment} ${at}`).toEqual(plain.decide(req));
            expect(memoOn.plan(req)).toEqual(plain.plan(req));
          }
        }
      }
    }
    // The freeze decides at the edges: [start, end).
    const frozen = (at: number) => memo.decide({ action: 'apply', environment: 'production', at }).denials.some((d) => d.blocker_id === 'change-freeze');
    const starts = [EDGES['year-end start'], EDGES['quarter-close start']];
    const ends = [EDGES['year-end end'], EDGES['quarter-close end']];
    expect(starts.flatMap((t) => [frozen(t - 1), frozen(t), frozen(t + 1)])).toEqual([false, true, true, false, true, true]);
    expect(ends.flatMap((t) => [frozen(t - 1), frozen(t), frozen(t + 1)])).toEqual([true, false, false, true, false, false]);
  });

  it('the freeze denies through the library what the blocker map alone allows, its file the source', async () => {
    const gate = await openGate({ blockers: [mapFile], bundleDir: examples });
    const at = new Date(EDGES['year-end start'] + 1000).toISOString();
    const d = gate.check({ action: 'apply', environment: 'production', at });
    expect(d.allowed).toBe(false);
    expect(d.denials.map((x) => [x.kind, x.blocker_id, x.source])).toEqual([['rule', 'change-freeze', 'examples/rules/change-freeze/change_freeze.rego']]);
    expect(d.denials[0]!.next_action).toBe('wait until 2027-01-04 08:00 Europe/Berlin, when the change freeze "year-end" ends');
    expect(gate.check({ action: 'apply', environment: 'production', at: new Date(EDGES['year-end end']).toISOString() }).allowed).toBe(true);
  });

  it('is off for a bundle whose rules call time.now_ns(), which no breakpoint can bound', () => {
    const world = freezeWorld();
    expect(Engine.open(world, readSealedBundle(clock)).memoised).toBe(false);
    expect(Engine.open(world, readSealedBundle()).memoised).toBe(true);
  });
});
