// Plans, end to end: applying a plan's grants (issued at the request time) allows the request,
// no smaller set of roles could, and --emit-ledger-template gives entries that `ledger append`
// takes as they are.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openGate, type Plan } from '../../src/index.js';
import { appendEntry } from '../../src/ledger/append.js';
import type { DraftEntry } from '../../src/ledger/draft.js';
import { FIX7, ROOT, blockgate } from '../support/cli.js';

const AT = '2026-11-25T12:00:00Z';
const DAY = 86_400_000;
const EVIDENCE = { uri: 'https://example.invalid/proof.log', sha256: 'ab'.repeat(32) };
const FIX7_INPUTS = ['--blockers', `${FIX7}/production-readiness-blocker-map.json`, '--ledger', `${FIX7}/grants.jsonl`,
  '--trust', `${ROOT}fixtures/trust.test-only.json`, '--at', AT];
const KEYS: Record<string, { file: string; id: string }> = {
  owner: { file: `${ROOT}fixtures/keys/owner-1.test-only.key`, id: 'owner-1' },
  operator: { file: `${ROOT}fixtures/keys/operator-1.test-only.key`, id: 'operator-1' },
};

const tmp = () => mkdtempSync(join(tmpdir(), 'bg-plan-'));
const iso = (ms: number) => new Date(ms).toISOString();

/** Hypothetical what-if entries (SPEC 3) for grants: issued at the request time, with evidence where required. */
function addFileFor(grants: Plan['grants_needed'], dir: string, name = 'add.jsonl'): string {
  const file = join(dir, name);
  writeFileSync(file, grants.map((g, i) => `${JSON.stringify({
    id: `H-${i + 1}`, type: 'grant', role: g.role, issued_at: AT, action: g.action, environment: g.environment,
    ...(g.target === null ? {} : { target: g.target }), resolves: g.resolves, ...(g.evidence_required ? { evidence: [EVIDENCE] } : {}),
  })}\n`).join(''));
  return file;
}

function subsets<T>(items: readonly T[], below: number): T[][] {
  const out: T[][] = [[]];
  for (const item of items) for (const s of [...out]) if (s.length + 1 < below) out.push([...s, item]);
  return out;
}

interface World { args: string[]; mapFile: string; ledger: string | null; blockers: Record<string, unknown>[]; roles: string[] }

/**
 * Checks, for one request: the plan allows it (through what-if, run as a user would), and no
 * set of fewer roles can, even granting everything at once, with evidence, at the request time.
 */
async function checkPlan(world: World, action: string, environment: string): Promise<Plan> {
  const dir = tmp();
  const plan = await blockgate(['plan', ...world.args, '--action', action, '--env', environment, '--format', 'json']);
  expect(plan.code, plan.stderr).toBe(0);
  const p = plan.json as Plan;
  expect(p.unresolvable).toEqual([]);
  const roles = p.grants_needed.map((g) => g.role);
  expect(roles).toEqual([...new Set(roles)].sort());
  const byId = new Map(world.blockers.map((b) => [b.id as string, b]));
  for (const g of p.grants_needed) {
    expect([g.action, g.environment, g.target]).toEqual([action, environment, null]);
    expect(g.evidence_required).toBe(g.resolves.some((id) => byId.get(id)?.evidence_required === true));
  }
  const cell = (rows: { action: string; environment: string; allowed: boolean }[]) => rows.find((r) => r.action === action && r.environment === environment)!;

  const whatIf = await blockgate(['what-if', ...world.args, '--add', addFileFor(p.grants_needed, dir), '--format', 'json']);
  expect(whatIf.code, whatIf.stderr).toBe(0);
  expect(cell(whatIf.json.before).allowed).toBe(p.allowed);
  expect(cell(whatIf.json.after).allowed).toBe(true);

  const gate = await openGate({ blockers: [world.mapFile], ...(world.ledger ? { ledger: world.ledger } : {}), insecureNoVerify: true });
  const everything = [...byId.keys()];
  for (const few of subsets(world.roles, p.grants_needed.length)) {
    const grants = few.map((role) => ({ role, action, environment, target: null, resolves: everything, evidence_required: true }));
    const after = few.length === 0 ? gate.matrix(AT) : gate.whatIf({ add: addFileFor(grants, dir, `few-${few.join('-')}.jsonl`), at: AT }).after;
    expect([few, cell(after).allowed]).toEqual([few, false]);
  }
  return p;
}

// ---- Generated worlds ----------------------------------------------------------------------

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const ROLES = ['owner', 'operator', 'security', 'release'];

async function generatedWorld(seed: number): Promise<World> {
  const rnd = random(seed);
  const pick = <T>(list: readonly T[], n: number): T[] => [...list].sort(() => rnd() - 0.5).slice(0, n);
  const dir = tmp();
  const count = 3 + Math.floor(rnd() * 5);
  const blockers: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i += 1) {
    const any = rnd() < 0.45;
    const roles = pick(ROLES, any ? 2 + Math.floor(rnd() * 2) : 1 + Math.floor(rnd() * 2));
    const b: Record<string, unknown> = {
      id: `W${seed}-B${i}`,
      actor_needed: roles.join(any ? ' or ' : ' + '),
      blocks: i === 0 ? 'production' : pick(['production', 'apply', 'cutover'], 1 + Math.floor(rnd() * 2)).join('/'),
      next_action: `close W${seed}-B${i}`,
    };
    if (rnd() < 0.3) b.evidence_required = true;
    if (i > 0 && rnd() < 0.45) b.after = pick(blockers.map((x) => x.id as string), 1 + Math.floor(rnd() * 2));
    blockers.push(b);
  }
  const mapFile = join(dir, 'map.json');
  writeFileSync(mapFile, JSON.stringify({ doc: `generated world ${seed}`, blockers }, null, 2));

  // Some grants already there: too early, without evidence, expired, or for another action.
  const grants = Math.floor(rnd() * 5);
  let ledger: string | null = null;
  if (grants > 0) {
    ledger = join(dir, 'grants.jsonl');
    const key = readFileSync(KEYS.owner!.file, 'utf8');
    const at = Date.parse(AT);
    for (let i = 0; i < grants; i += 1) {
      const issued = at - (1 + Math.floor(rnd() * 9)) * DAY;
      const draft: DraftEntry = {
        id: `E-${i + 1}`, type: 'grant', role: pick(ROLES, 1)[0], issued_at: iso(issued),
        action: rnd() < 0.85 ? 'apply' : 'cutover', environment: 'production',
        resolves: pick(blockers.map((b) => b.id as string), 1 + Math.floor(rnd() * 3)),
      };
      if (rnd() < 0.5) draft.evidence = [EVIDENCE];
      if (rnd() < 0.2) draft.expires_at = iso(issued + DAY);
      await appendEntry({ ledgerPath: ledger, draft, privateKeyPem: key, keyId: KEYS.owner!.id });
    }
  }
  const args = ['--blockers', mapFile, ...(ledger ? ['--ledger', ledger] : []), '--insecure-no-verify', '--at', AT];
  return { args, mapFile, ledger, blockers, roles: ROLES };
}

function handmade(blockers: Record<string, unknown>[]): World {
  const dir = tmp();
  const mapFile = join(dir, 'map.json');
  writeFileSync(mapFile, JSON.stringify({ blockers }));
  return { args: ['--blockers', mapFile, '--insecure-no-verify', '--at', AT], mapFile, ledger: null, blockers, roles: ROLES };
}

async function withLedger(world: World, drafts: DraftEntry[]): Promise<World> {
  const ledger = join(tmp(), 'grants.jsonl');
  const key = readFileSync(KEYS.owner!.file, 'utf8');
  for (const draft of drafts) await appendEntry({ ledgerPath: ledger, draft, privateKeyPem: key, keyId: KEYS.owner!.id });
  return { ...world, ledger, args: [...world.args, '--ledger', ledger] };
}

const grantDraft = (id: string, role: string, daysBefore: number, resolves: string[], extra: DraftEntry = {}): DraftEntry => ({
  id, type: 'grant', role, issued_at: iso(Date.parse(AT) - daysBefore * DAY), action: 'apply', environment: 'production', resolves, ...extra,
});

describe('plan minimality, and plan-then-what-if allows the request', () => {
  it('FIX7: every denied cell (library), and five of them through the CLI', async () => {
    const world: World = {
      args: FIX7_INPUTS, mapFile: `${FIX7}/production-readiness-blocker-map.json`, ledger: `${FIX7}/grants.jsonl`,
      blockers: JSON.parse(readFileSync(`${FIX7}/production-readiness-blocker-map.json`, 'utf8')).blockers, roles: ['operator', 'owner'],
    };
    const cutover = await checkPlan(world, 'cutover', 'production');
    expect(cutover.grants_needed.map((g) => g.role)).toEqual(['operator', 'owner']);
    expect((await checkPlan(world, 'apply', 'production')).grants_needed.map((g) => [g.role, g.resolves])).toEqual([['operator', ['FIX7-P0-DRYRUN-PROD-ROLLBACK-1']]]);
    await checkPlan(world, 'real-run', 'development');
    await checkPlan(world, 'ci-enforcement', 'production');
    await checkPlan(world, 'permit', 'staging');

    const gate = await openGate({ blockers: [world.mapFile], ledger: world.ledger!, trust: `${ROOT}fixtures/trust.test-only.json` });
    const dir = tmp();
    for (const row of gate.matrix(AT).filter((r) => !r.allowed)) {
      const plan = gate.plan({ action: row.action, environment: row.environment, at: AT });
      const after = gate.whatIf({ add: addFileFor(plan.grants_needed, dir, `${row.action}-${row.environment}.jsonl`), at: AT }).after;
      expect([row.action, row.environment, after.find((r) => r.action === row.action && r.environment === row.environment)!.allowed])
        .toEqual([row.action, row.environment, true]);
    }
  });

  it('mode any: the fewest roles, ties broken alphabetically', async () => {
    const world = handmade([
      { id: 'A', actor_needed: 'owner or operator', blocks: 'production' },
      { id: 'B', actor_needed: 'operator or security', blocks: 'production' },
      { id: 'C', actor_needed: 'security', blocks: 'apply' },
    ]);
    const plan = await checkPlan(world, 'apply', 'production');
    expect(plan.grants_needed.map((g) => g.role)).toEqual(['operator', 'security']);
  });

  it('prerequisites: a grant issued before its prerequisite was satisfied is too early; the plan re-grants it', async () => {
    const world = await withLedger(handmade([
      { id: 'P', actor_needed: 'operator', blocks: 'cutover' },
      { id: 'B', actor_needed: 'owner', blocks: 'production', after: ['P'] },
    ]), [grantDraft('G-B', 'owner', 5, ['B']), grantDraft('G-P', 'operator', 3, ['P'])]);
    const check = await blockgate(['check', ...world.args, '--action', 'apply', '--env', 'production', '--format', 'json']);
    expect(check.json.denials.map((d: { reasons: string[] }) => d.reasons)).toEqual([['grant-too-early']]);
    const plan = await checkPlan(world, 'apply', 'production');
    expect(plan.grants_needed.map((g) => [g.role, g.resolves])).toEqual([['owner', ['B']]]);
  });

  it('prerequisites not met: the plan closes them too', async () => {
    const world = handmade([
      { id: 'P1', actor_needed: 'operator', blocks: 'cutover' },
      { id: 'P2', actor_needed: 'security or release', blocks: 'staging-only' },
      { id: 'B', actor_needed: 'owner', blocks: 'production', after: ['P1', 'P2'] },
    ]);
    const plan = await checkPlan(world, 'apply', 'production');
    expect(plan.grants_needed.map((g) => [g.role, g.resolves])).toEqual([['operator', ['P1']], ['owner', ['B']], ['release', ['P2']]]);
  });

  it('evidence: a grant without it does not count; the plan asks for it', async () => {
    const world = await withLedger(handmade([
      { id: 'E', actor_needed: 'operator', blocks: 'production', evidence_required: true },
      { id: 'F', actor_needed: 'operator', blocks: 'production' },
    ]), [grantDraft('G-E', 'operator', 2, ['E', 'F'])]);
    const plan = await checkPlan(world, 'apply', 'production');
    expect(plan.grants_needed).toEqual([{ role: 'operator', action: 'apply', environment: 'production', target: null, resolves: ['E'], evidence_required: true }]);
  });

  const seen = { denied: 0, multiRole: 0, any: 0, after: 0, evidence: 0, ledger: 0 };
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
    it(`generated world ${seed}`, async () => {
      const world = await generatedWorld(seed);
      const plan = await checkPlan(world, 'apply', 'production');
      if (!plan.allowed) seen.denied += 1;
      if (plan.grants_needed.length > 1) seen.multiRole += 1;
      if (plan.grants_needed.some((g) => g.evidence_required)) seen.evidence += 1;
      if (world.blockers.some((b) => String(b.actor_needed).includes(' or '))) seen.any += 1;
      if (world.blockers.some((b) => b.after !== undefined)) seen.after += 1;
      if (world.ledger !== null) seen.ledger += 1;
    });
  }
  it('the generated worlds cover denials, several roles, mode any, prerequisites, evidence and existing grants', () => {
    expect(Object.values(seen).every((n) => n >= 2)).toBe(true);
    expect(seen).toMatchObject({ denied: 10 });
  });
});

describe('plan --emit-ledger-template', () => {
  async function appendLines(template: string, ledger: string, dir: string, fill?: (entry: Record<string, unknown>) => void): Promise<void> {
    for (const [i, line] of template.trimEnd().split('\n').entries()) {
      const entry = JSON.parse(line);
      fill?.(entry);
      const file = join(dir, `entry-${i + 1}.json`);
      writeFileSync(file, JSON.stringify(entry));
      const key = KEYS[entry.role]!;
      // Issued at the plan's --at, a fixed past instant: further from the clock than the default --max-skew.
      const r = await blockgate(['ledger', 'append', '--ledger', ledger, '--key', key.file, '--key-id', key.id, '--trust', `${ROOT}fixtures/trust.test-only.json`, '--entry', file, '--max-skew', '3650d']);
      expect([entry.id, r.code, r.stderr]).toEqual([entry.id, 0, '']);
    }
  }

  it('FIX7: plan -> template -> ledger append (test-only keys) -> check is allowed', async () => {
    const dir = tmp();
    const ledger = join(dir, 'grants.jsonl');
    copyFileSync(`${FIX7}/grants.jsonl`, ledger);
    const inputs = FIX7_INPUTS.map((a) => (a === `${FIX7}/grants.jsonl` ? ledger : a));
    const request = ['--action', 'cutover', '--env', 'production', '--target', 'QT001'];
    const t = await blockgate(['plan', ...inputs, ...request, '--emit-ledger-template']);
    expect(t.code).toBe(0);
    expect(t.stderr).toBe('');
    const entries = t.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(entries.map((e) => [e.id, e.role, e.issued_at, e.target])).toEqual([
      ['PLAN-operator-1', 'operator', '2026-11-25T12:00:00.000Z', 'QT001'],
      ['PLAN-owner-1', 'owner', '2026-11-25T12:00:00.000Z', 'QT001'],
    ]);
    expect((await blockgate(['check', ...inputs, ...request])).code).toBe(2);
    await appendLines(t.stdout, ledger, dir);
    expect((await blockgate(['ledger', 'verify', '--ledger', ledger, '--trust', `${ROOT}fixtures/trust.test-only.json`])).code).toBe(0);
    expect((await blockgate(['check', ...inputs, ...request])).code).toBe(0);
    // The grants are for QT001 only: without the target the request is still denied.
    expect((await blockgate(['check', ...inputs, '--action', 'cutover', '--env', 'production'])).code).toBe(2);
    // The next template does not reuse the ids now in the ledger.
    const next = await blockgate(['plan', ...inputs, '--action', 'apply', '--env', 'production', '--emit-ledger-template']);
    expect(JSON.parse(next.stdout).id).toBe('PLAN-operator-2');
  });

  it('evidence: an unfilled entry is refused by ledger append; filled in, the request is allowed', async () => {
    const dir = tmp();
    const map = join(dir, 'map.json');
    writeFileSync(map, JSON.stringify({ blockers: [
      { id: 'E', actor_needed: 'operator', blocks: 'production', evidence_required: true, next_action: 'attach the restore log' },
      { id: 'O', actor_needed: 'owner', blocks: 'apply' },
    ] }));
    const ledger = join(dir, 'grants.jsonl');
    const inputs = ['--blockers', map, '--ledger', ledger, '--trust', `${ROOT}fixtures/trust.test-only.json`, '--at', AT];
    const request = ['--action', 'apply', '--env', 'production'];
    writeFileSync(ledger, '');
    const first = await blockgate(['plan', ...inputs, ...request, '--emit-ledger-template']);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('PLAN-operator-1: fill in "evidence" ([{"uri": ..., "sha256": <64 hex>}]) before appending\n');
    expect(first.stdout).toContain('"evidence":[]');
    // "evidence": [] would count as no evidence for ever: append refuses it and changes nothing.
    const unfilled = first.stdout.trimEnd().split('\n').map((l) => JSON.parse(l)).find((e) => e.role === 'operator');
    const file = join(dir, 'unfilled.json');
    writeFileSync(file, JSON.stringify(unfilled));
    const refused = await blockgate(['ledger', 'append', '--ledger', ledger, '--key', KEYS.operator!.file, '--key-id', KEYS.operator!.id,
      '--trust', `${ROOT}fixtures/trust.test-only.json`, '--entry', file, '--format', 'json']);
    expect(refused.code).toBe(3);
    expect(refused.json.error.code).toBe('ledger-schema');
    expect(refused.json.error.message).toMatch(/"evidence": \[\] \(no evidence at all\).*nothing was appended/);
    expect(readFileSync(ledger, 'utf8')).toBe('');

    await appendLines(first.stdout, ledger, dir, (entry) => { if (entry.evidence) entry.evidence = [EVIDENCE]; });
    expect((await blockgate(['check', ...inputs, ...request])).code).toBe(0);
  });

  it('an allowed request: no entries, and a note on stderr', async () => {
    const r = await blockgate(['plan', ...FIX7_INPUTS, '--action', 'real-run', '--env', 'staging', '--emit-ledger-template']);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', 'nothing to grant: the request is already allowed\n']);
  });

  it('does not go with --format json (stdout would not be one JSON object): exit 1', async () => {
    const r = await blockgate(['plan', ...FIX7_INPUTS, '--action', 'apply', '--env', 'production', '--emit-ledger-template', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.json.error).toEqual({ code: 'usage', message: '--emit-ledger-template prints JSON Lines; it does not go with --format json' });
  });

  it('--help says that each line is one entry', async () => {
    const r = await blockgate(['plan', '--help']);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('each line is ONE entry for `blockgate ledger append --entry FILE`');
  });
});
