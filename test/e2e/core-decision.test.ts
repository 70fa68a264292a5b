// SPEC 2 through the CLI: grants in force (times, targets, revokes), applicable blockers,
// satisfaction (modes, evidence, prerequisites), and the explanation of each decision.
import { describe, expect, it } from 'vitest';
import {
  blockgate, ownerGrant, operatorGrant, put, putLedger, revoke, tempDir, TRUST, type Draft, type Line,
} from './core-support.js';

const root = tempDir('decision');
let cases = 0;

interface Decision {
  allowed: boolean;
  request: { action: string; environment: string; target: string | null; at: string };
  denials: Array<{ blocker_id: string; required_roles: string[]; mode: string; missing_roles: string[]; reasons: string[]; source: string }>;
  satisfied: Array<{ blocker_id: string; grants: string[] }>;
  ignored_grants: Array<{ grant_id: string; blocker_ids: string[]; reason: string }>;
  warnings: Array<{ code: string; message: string }>;
}

/** Writes the map and the signed ledger to a fresh directory, and decides one request. */
async function decide(map: Line, drafts: Draft[], request: { action: string; env: string; at: string; target?: string }): Promise<Decision & { exit: number }> {
  const dir = `${root}/case-${++cases}`;
  const mapFile = put(dir, 'map.json', map);
  const args = ['check', '--blockers', mapFile, '--action', request.action, '--env', request.env, '--at', request.at, '--format', 'json'];
  if (drafts.length > 0) args.push('--ledger', putLedger(dir, drafts), '--trust', TRUST);
  if (request.target !== undefined) args.push('--target', request.target);
  const r = await blockgate(args);
  expect([0, 2], `exit ${r.code}: ${r.stdout}${r.stderr}`).toContain(r.code);
  expect(r.code).toBe(r.json.allowed ? 0 : 2);
  return { ...r.json, exit: r.code };
}

/** The parts of a denial that say why: id, roles, mode, missing roles, reasons. */
const why = (d: Decision) => d.denials.map(({ blocker_id, required_roles, mode, missing_roles, reasons }) => ({ blocker_id, required_roles, mode, missing_roles, reasons }));

const ONE = { blockers: [{ id: 'B-1', actor_needed: 'owner', blocks: 'apply' }] };
const denied1 = (reasons: string[], missing = ['owner']) => [{ blocker_id: 'B-1', required_roles: ['owner'], mode: 'all', missing_roles: missing, reasons }];

describe('time: issued_at counts from the instant itself, expires_at is exclusive, offsets are instants', () => {
  const grant = ownerGrant('G-1', { issued_at: '2026-11-20T10:00:00Z', expires_at: '2026-11-21T10:00:00Z' });

  it.each([
    ['issued exactly at `at` counts', '2026-11-20T10:00:00Z', true, null],
    ['one millisecond before issue it is not yet valid', '2026-11-20T09:59:59.999Z', false, 'not-yet-valid'],
    ['the issue instant written with +02:00 counts', '2026-11-20T12:00:00+02:00', true, null],
    ['one millisecond before it, written with +02:00', '2026-11-20T11:59:59.999+02:00', false, 'not-yet-valid'],
    ['the issue instant written with -05:00', '2026-11-20T05:00:00-05:00', true, null],
    ['lower-case t and z', '2026-11-20t10:00:00z', true, null],
    ['one millisecond before expiry it counts', '2026-11-21T09:59:59.999Z', true, null],
    ['expiring exactly at `at` does not count', '2026-11-21T10:00:00Z', false, 'expired'],
    ['the expiry instant written with +01:00', '2026-11-21T11:00:00+01:00', false, 'expired'],
    ['just before the expiry instant, written with +01:00', '2026-11-21T10:59:59.999+01:00', true, null],
  ])('%s (%s)', async (_, at, allowed, reason) => {
    const d = await decide(ONE, [grant], { action: 'apply', env: 'staging', at });
    expect(d.allowed).toBe(allowed);
    if (allowed) {
      expect(d.satisfied).toEqual([{ blocker_id: 'B-1', grants: ['G-1'] }]);
      expect(d.ignored_grants).toEqual([]);
    } else {
      // A grant not in force is not in G, so the role's reason is missing-grant.
      expect(why(d)).toEqual(denied1(['missing-grant']));
      expect(d.ignored_grants).toEqual([{ grant_id: 'G-1', blocker_ids: ['B-1'], reason }]);
    }
  });

  it('the request echoes `at` as UTC with milliseconds', async () => {
    const d = await decide(ONE, [grant], { action: 'apply', env: 'staging', at: '2026-11-20T12:00:00+02:00' });
    expect(d.request).toEqual({ action: 'apply', environment: 'staging', target: null, at: '2026-11-20T10:00:00.000Z' });
  });

  describe('a grant issued with an offset and fractional seconds', () => {
    const fractional = ownerGrant('G-F', { issued_at: '2026-11-20T12:00:00.5+02:00' });
    it.each([
      ['2026-11-20T10:00:00.499Z', false],
      ['2026-11-20T10:00:00.500Z', true],
      ['2026-11-20T10:00:00.5Z', true],
      ['2026-11-20T11:00:00.5+01:00', true],
      ['2026-11-20T11:00:00.4999+01:00', false],
    ])('at %s: allowed %s', async (at, allowed) => {
      const d = await decide(ONE, [fractional], { action: 'apply', env: 'staging', at });
      expect(d.allowed).toBe(allowed);
      if (!allowed) expect(d.ignored_grants).toEqual([{ grant_id: 'G-F', blocker_ids: ['B-1'], reason: 'not-yet-valid' }]);
    });
  });
});

describe('a grant is for one action, one environment, and its target', () => {
  it('another action: other-action', async () => {
    const d = await decide(ONE, [ownerGrant('G-1', { action: 'cutover' })], { action: 'apply', env: 'staging', at: '2026-11-25T00:00:00Z' });
    expect(d.allowed).toBe(false);
    expect(d.ignored_grants).toEqual([{ grant_id: 'G-1', blocker_ids: ['B-1'], reason: 'other-action' }]);
  });

  it('another environment: other-environment (a staging grant never allows production)', async () => {
    const d = await decide(ONE, [ownerGrant('G-1', { environment: 'staging' })], { action: 'apply', env: 'production', at: '2026-11-25T00:00:00Z' });
    expect(d.allowed).toBe(false);
    expect(d.ignored_grants).toEqual([{ grant_id: 'G-1', blocker_ids: ['B-1'], reason: 'other-environment' }]);
  });

  describe('a grant with a target counts only for that target', () => {
    const targeted = [ownerGrant('G-T', { target: 'QT001' })];
    it('for QT001', async () => {
      const d = await decide(ONE, targeted, { action: 'apply', env: 'staging', at: '2026-11-25T00:00:00Z', target: 'QT001' });
      expect(d.allowed).toBe(true);
      expect(d.request.target).toBe('QT001');
      expect(d.satisfied).toEqual([{ blocker_id: 'B-1', grants: ['G-T'] }]);
    });
    it('not for QT002', async () => {
      const d = await decide(ONE, targeted, { action: 'apply', env: 'staging', at: '2026-11-25T00:00:00Z', target: 'QT002' });
      expect(d.allowed).toBe(false);
      expect(d.ignored_grants).toEqual([{ grant_id: 'G-T', blocker_ids: ['B-1'], reason: 'other-target' }]);
    });
    it('not for a request without a target', async () => {
      const d = await decide(ONE, targeted, { action: 'apply', env: 'staging', at: '2026-11-25T00:00:00Z' });
      expect(d.allowed).toBe(false);
      expect(d.request.target).toBeNull();
      expect(d.ignored_grants).toEqual([{ grant_id: 'G-T', blocker_ids: ['B-1'], reason: 'other-target' }]);
    });
  });

  it.each([['QT002'], [undefined]])('a grant without a target counts for any target (%s)', async (target) => {
    const d = await decide(ONE, [ownerGrant('G-ANY')], { action: 'apply', env: 'staging', at: '2026-11-25T00:00:00Z', ...(target ? { target } : {}) });
    expect(d.allowed).toBe(true);
    expect(d.satisfied).toEqual([{ blocker_id: 'B-1', grants: ['G-ANY'] }]);
  });
});

describe('revokes', () => {
  const grant = ownerGrant('G-1', { issued_at: '2026-11-20T10:00:00Z' });

  it('a revoke by another role is ignored: the grant still counts', async () => {
    const d = await decide(ONE, [grant, revoke('R-1', 'G-1', 'operator', { issued_at: '2026-11-20T11:00:00Z' })], { action: 'apply', env: 'staging', at: '2026-11-25T00:00:00Z' });
    expect(d.allowed).toBe(true);
    expect(d.satisfied).toEqual([{ blocker_id: 'B-1', grants: ['G-1'] }]);
  });

  it.each([
    ['before its issued_at the grant still counts', '2026-11-20T10:59:59.999Z', true],
    ['from its issued_at on the grant is revoked', '2026-11-20T11:00:00Z', false],
    ['the same instant with an offset', '2026-11-20T13:00:00+02:00', false],
  ])('a revoke by the grant\'s own role: %s', async (_, at, allowed) => {
    const d = await decide(ONE, [grant, revoke('R-1', 'G-1', 'owner', { issued_at: '2026-11-20T11:00:00Z' })], { action: 'apply', env: 'staging', at });
    expect(d.allowed).toBe(allowed);
    if (!allowed) {
      expect(d.ignored_grants).toEqual([{ grant_id: 'G-1', blocker_ids: ['B-1'], reason: 'revoked' }]);
      expect(why(d)).toEqual(denied1(['missing-grant']));
    }
  });

  it('a revoke of one grant leaves the role\'s other grant counting', async () => {
    const d = await decide(ONE, [grant, ownerGrant('G-2'), revoke('R-1', 'G-1', 'owner')], { action: 'apply', env: 'staging', at: '2026-11-25T00:00:00Z' });
    expect(d.allowed).toBe(true);
    expect(d.satisfied).toEqual([{ blocker_id: 'B-1', grants: ['G-2'] }]);
    expect(d.ignored_grants).toEqual([{ grant_id: 'G-1', blocker_ids: ['B-1'], reason: 'revoked' }]);
  });
});

describe('roles and modes', () => {
  const ALL = { blockers: [{ id: 'B-1', actor_needed: 'owner + operator', blocks: 'apply' }] };
  const at = '2026-11-25T00:00:00Z';

  it('mode all: each role must have a counting grant; missing_roles names the rest', async () => {
    const d = await decide(ALL, [ownerGrant('G-OW')], { action: 'apply', env: 'staging', at });
    expect(why(d)).toEqual([{ blocker_id: 'B-1', required_roles: ['operator', 'owner'], mode: 'all', missing_roles: ['operator'], reasons: ['missing-grant'] }]);
    const both = await decide(ALL, [ownerGrant('G-OW'), operatorGrant('G-OP')], { action: 'apply', env: 'staging', at });
    expect(both.allowed).toBe(true);
    expect(both.satisfied).toEqual([{ blocker_id: 'B-1', grants: ['G-OP', 'G-OW'] }]);
  });

  it('a grant by a role the blocker does not need: role-not-required', async () => {
    const d = await decide(ONE, [operatorGrant('G-OP')], { action: 'apply', env: 'staging', at });
    expect(why(d)).toEqual(denied1(['missing-grant']));
    expect(d.ignored_grants).toEqual([{ grant_id: 'G-OP', blocker_ids: ['B-1'], reason: 'role-not-required' }]);
  });

  describe.each([['owner or operator'], ['Owner | Operator'], ['OWNER OR operator']])('mode any (%s)', (actor) => {
    const ANY = { blockers: [{ id: 'B-ANY', actor_needed: actor, blocks: 'permit' }] };

    it('no grant: all roles are missing', async () => {
      const d = await decide(ANY, [], { action: 'permit', env: 'staging', at });
      expect(why(d)).toEqual([{ blocker_id: 'B-ANY', required_roles: ['operator', 'owner'], mode: 'any', missing_roles: ['operator', 'owner'], reasons: ['missing-grant'] }]);
    });

    it('one role\'s grant suffices', async () => {
      const d = await decide(ANY, [operatorGrant('G-OP', { action: 'permit', resolves: ['B-ANY'] })], { action: 'permit', env: 'staging', at });
      expect(d.allowed).toBe(true);
      expect(d.satisfied).toEqual([{ blocker_id: 'B-ANY', grants: ['G-OP'] }]);
    });
  });

  it('no-role and ambiguous-actor blockers can never be satisfied', async () => {
    const map = { blockers: [
      { id: 'B-AMBIG', actor_needed: 'owner + operator or auditor', blocks: 'apply' },
      { id: 'B-NONE', actor_needed: '(to be decided)', blocks: 'apply' },
      { id: 'B-EMPTY', actor_needed: [], blocks: 'apply' },
    ] };
    const d = await decide(map, [ownerGrant('G-1', { resolves: ['B-AMBIG', 'B-NONE', 'B-EMPTY'] })], { action: 'apply', env: 'staging', at });
    expect(d.allowed).toBe(false);
    expect(why(d)).toEqual([
      { blocker_id: 'B-AMBIG', required_roles: [], mode: 'all', missing_roles: [], reasons: ['ambiguous-actor'] },
      { blocker_id: 'B-EMPTY', required_roles: [], mode: 'all', missing_roles: [], reasons: ['no-role'] },
      { blocker_id: 'B-NONE', required_roles: [], mode: 'all', missing_roles: [], reasons: ['no-role'] },
    ]);
  });

  it('roles compare normalised: a grant by "Release  Manager" counts for "release manager"', async () => {
    // Verified mode would refuse the role (the trust file says owner); no-verify takes it as written.
    const dir = `${root}/roles`;
    const map = put(dir, 'map.json', { blockers: [{ id: 'B-1', actor_needed: 'Release Manager + owner', blocks: 'apply' }] });
    const ledger = putLedger(dir, [ownerGrant('G-1', { role: 'release  manager' }), ownerGrant('G-2', { role: 'OWNER' })]);
    const r = await blockgate(['check', '--blockers', map, '--ledger', ledger, '--insecure-no-verify', '--action', 'apply', '--env', 'staging', '--at', at, '--format', 'json']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json.satisfied).toEqual([{ blocker_id: 'B-1', grants: ['G-1', 'G-2'] }]);
  });
});

describe('evidence_required', () => {
  const EVID = { blockers: [{ id: 'B-E', actor_needed: 'owner', blocks: 'activation', evidence_required: true }] };
  const at = '2026-11-25T00:00:00Z';
  const proof = [{ uri: 'https://ci.example/run/1', sha256: 'd'.repeat(64) }];
  const g = (id: string, extra: Line = {}) => ownerGrant(id, { action: 'activation', resolves: ['B-E'], ...extra });

  it('a grant without evidence does not count: evidence-missing', async () => {
    const d = await decide(EVID, [g('G-1')], { action: 'activation', env: 'staging', at });
    expect(why(d)).toEqual([{ blocker_id: 'B-E', required_roles: ['owner'], mode: 'all', missing_roles: ['owner'], reasons: ['evidence-missing'] }]);
    expect(d.ignored_grants).toEqual([{ grant_id: 'G-1', blocker_ids: ['B-E'], reason: 'evidence-missing' }]);
  });

  it('an empty evidence array is no evidence', async () => {
    const d = await decide(EVID, [g('G-1', { evidence: [] })], { action: 'activation', env: 'staging', at });
    expect(d.allowed).toBe(false);
    expect(why(d)[0]!.reasons).toEqual(['evidence-missing']);
  });

  it('a grant with evidence counts; one without beside it is ignored', async () => {
    const d = await decide(EVID, [g('G-1'), g('G-2', { evidence: proof })], { action: 'activation', env: 'staging', at });
    expect(d.allowed).toBe(true);
    expect(d.satisfied).toEqual([{ blocker_id: 'B-E', grants: ['G-2'] }]);
    expect(d.ignored_grants).toEqual([{ grant_id: 'G-1', blocker_ids: ['B-E'], reason: 'evidence-missing' }]);
  });

  it('a blocker without evidence_required takes a grant without evidence', async () => {
    const d = await decide({ blockers: [{ id: 'B-E', actor_needed: 'owner', blocks: 'activation', evidence_required: false }] }, [g('G-1')], { action: 'activation', env: 'staging', at });
    expect(d.allowed).toBe(true);
  });
});

describe('prerequisites (after)', () => {
  // B-POST applies to cutover; its prerequisite B-PRE applies only to repoint, yet is evaluated
  // for the same request (cutover in staging).
  const MAP = { blockers: [
    { id: 'B-PRE', actor_needed: 'owner', blocks: 'repoint' },
    { id: 'B-POST', actor_needed: 'operator', blocks: 'cutover', after: ['B-PRE'] },
  ] };
  const request = { action: 'cutover', env: 'staging', at: '2026-11-25T00:00:00Z' };
  const pre = (id: string, issued_at: string, extra: Line = {}) => ownerGrant(id, { action: 'cutover', resolves: ['B-PRE'], issued_at, ...extra });
  const post = (id: string, issued_at: string) => operatorGrant(id, { action: 'cutover', resolves: ['B-POST'], issued_at });
  const postWhy = (missing: string[], reasons: string[]) => [{ blocker_id: 'B-POST', required_roles: ['operator'], mode: 'all', missing_roles: missing, reasons }];

  it('a grant issued before the prerequisite was satisfied is too early', async () => {
    const d = await decide(MAP, [pre('G-PRE', '2026-11-20T10:00:00Z'), post('G-POST', '2026-11-20T09:59:59.999Z')], request);
    expect(why(d)).toEqual(postWhy(['operator'], ['grant-too-early']));
    expect(d.ignored_grants).toEqual([{ grant_id: 'G-POST', blocker_ids: ['B-POST'], reason: 'too-early' }]);
    // The prerequisite does not apply to cutover, so it is not listed as satisfied.
    expect(d.satisfied).toEqual([]);
  });

  it('a grant issued exactly when the prerequisite was satisfied counts', async () => {
    const d = await decide(MAP, [pre('G-PRE', '2026-11-20T10:00:00Z'), post('G-EARLY', '2026-11-20T09:00:00Z'), post('G-ON-TIME', '2026-11-20T11:00:00+01:00')], request);
    expect(d.allowed).toBe(true);
    expect(d.satisfied).toEqual([{ blocker_id: 'B-POST', grants: ['G-ON-TIME'] }]);
    expect(d.ignored_grants).toEqual([{ grant_id: 'G-EARLY', blocker_ids: ['B-POST'], reason: 'too-early' }]);
  });

  it('without the prerequisite: prerequisite-unsatisfied (the grant itself is fine)', async () => {
    const d = await decide(MAP, [post('G-POST', '2026-11-20T10:00:00Z')], request);
    expect(why(d)).toEqual(postWhy([], ['prerequisite-unsatisfied']));
  });

  it('a prerequisite granted for another action does not satisfy it for this request', async () => {
    const d = await decide(MAP, [pre('G-PRE', '2026-11-20T10:00:00Z', { action: 'repoint' }), post('G-POST', '2026-11-21T10:00:00Z')], request);
    expect(why(d)).toEqual(postWhy([], ['prerequisite-unsatisfied']));
    // …while for repoint, where only B-PRE applies, it counts.
    const repoint = await decide(MAP, [pre('G-PRE', '2026-11-20T10:00:00Z', { action: 'repoint' })], { ...request, action: 'repoint' });
    expect(repoint.allowed).toBe(true);
  });

  it('mode all prerequisite: T is the latest of the roles\' earliest grants', async () => {
    const map = { blockers: [
      { id: 'B-PRE', actor_needed: 'owner + operator', blocks: 'repoint' },
      { id: 'B-POST', actor_needed: 'operator', blocks: 'cutover', after: ['B-PRE'] },
    ] };
    const ledger = [
      pre('G-PRE-OW-LATE', '2026-11-20T12:00:00Z'), pre('G-PRE-OW', '2026-11-20T08:00:00Z'),
      operatorGrant('G-PRE-OP', { action: 'cutover', resolves: ['B-PRE'], issued_at: '2026-11-20T10:00:00Z' }),
    ];
    const early = await decide(map, [...ledger, post('G-POST', '2026-11-20T09:59:59.999Z')], request);
    expect(why(early)).toEqual(postWhy(['operator'], ['grant-too-early']));
    const onTime = await decide(map, [...ledger, post('G-POST', '2026-11-20T10:00:00Z')], request);
    expect(onTime.allowed).toBe(true);
  });

  it('mode any prerequisite: T is the earliest qualifying grant', async () => {
    const map = { blockers: [
      { id: 'B-PRE', actor_needed: 'owner or operator', blocks: 'repoint' },
      { id: 'B-POST', actor_needed: 'operator', blocks: 'cutover', after: ['B-PRE'] },
    ] };
    const ledger = [
      pre('G-PRE-OW', '2026-11-20T10:00:00Z'),
      operatorGrant('G-PRE-OP', { action: 'cutover', resolves: ['B-PRE'], issued_at: '2026-11-20T08:00:00Z' }),
      post('G-POST', '2026-11-20T09:00:00Z'),
    ];
    expect((await decide(map, ledger, request)).allowed).toBe(true);
  });

  it('several prerequisites: T is the latest of their direct times', async () => {
    const map = { blockers: [
      { id: 'B-PRE', actor_needed: 'owner', blocks: 'repoint' },
      { id: 'B-PRE-2', actor_needed: 'owner', blocks: 'repoint' },
      { id: 'B-POST', actor_needed: 'operator', blocks: 'cutover', after: ['B-PRE', 'B-PRE-2'] },
    ] };
    const ledger = [pre('G-PRE', '2026-11-20T08:00:00Z'), ownerGrant('G-PRE-2', { action: 'cutover', resolves: ['B-PRE-2'], issued_at: '2026-11-20T10:00:00Z' })];
    expect(why(await decide(map, [...ledger, post('G-POST', '2026-11-20T09:00:00Z')], request))).toEqual(postWhy(['operator'], ['grant-too-early']));
    expect((await decide(map, [...ledger, post('G-POST', '2026-11-20T10:00:00Z')], request)).allowed).toBe(true);
  });

  it('a prerequisite resolved_in_this_macro is met with no time constraint', async () => {
    const map = { ...MAP, resolved_in_this_macro: ['B-PRE'] };
    const d = await decide(map, [post('G-POST', '2000-01-01T00:00:00Z')], request);
    expect(d.allowed).toBe(true);
    expect(d.satisfied).toEqual([{ blocker_id: 'B-POST', grants: ['G-POST'] }]);
  });

  it('a prerequisite that no map has is never met', async () => {
    const map = { blockers: [{ id: 'B-POST', actor_needed: 'operator', blocks: 'cutover', after: ['B-GHOST'] }] };
    const d = await decide(map, [post('G-POST', '2026-11-20T10:00:00Z')], request);
    expect(why(d)).toEqual(postWhy([], ['prerequisite-unsatisfied']));
  });

  it('prerequisite-unsatisfied and a missing role together', async () => {
    const d = await decide(MAP, [], request);
    expect(why(d)).toEqual(postWhy(['operator'], ['missing-grant', 'prerequisite-unsatisfied']));
  });
});

describe('applicable blockers', () => {
  const at = '2026-11-25T00:00:00Z';

  it('a blocker listed in resolved_in_this_macro never applies', async () => {
    const map = { blockers: [{ id: 'B-1', actor_needed: 'owner', blocks: 'apply' }, { id: 'B-2', actor_needed: 'owner', blocks: 'apply' }], resolved_in_this_macro: ['B-1'] };
    const d = await decide(map, [], { action: 'apply', env: 'staging', at });
    expect(d.denials.map((x) => x.blocker_id)).toEqual(['B-2']);
  });

  it('any loaded map may declare another map\'s blocker resolved', async () => {
    const dir = `${root}/resolved-across`;
    const a = put(dir, 'a.json', { blockers: [{ id: 'B-1', actor_needed: 'owner', blocks: 'apply' }] });
    const b = put(dir, 'b.json', { blockers: [], resolved_in_this_macro: ['B-1'] });
    const r = await blockgate(['check', '--blockers', a, '--blockers', b, '--action', 'apply', '--env', 'staging', '--at', at, '--format', 'json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json.denials).toEqual([]);
  });

  it('no applicable blocker: allowed', async () => {
    const d = await decide(ONE, [], { action: 'permit', env: 'development', at });
    expect(d.allowed).toBe(true);
    expect(d.denials).toEqual([]);
    expect(d.satisfied).toEqual([]);
  });

  it('tags come from the action and the environment, normalised', async () => {
    const map = { blockers: [
      { id: 'B-ENV', actor_needed: 'owner', blocks: ' PRODUCTION ' },
      { id: 'B-ACT', actor_needed: 'owner', blocks: ['Real Run'] },
      { id: 'B-NOT', actor_needed: 'owner', blocks: 'real run/prod' },
    ] };
    const d = await decide(map, [], { action: 'real-run', env: 'production', at });
    expect(d.denials.map((x) => x.blocker_id)).toEqual(['B-ACT', 'B-ENV', 'B-NOT']);
    const staging = await decide(map, [], { action: 'real-run', env: 'staging', at });
    expect(staging.denials.map((x) => x.blocker_id)).toEqual(['B-ACT', 'B-NOT']);
  });

  it('a custom catalog maps names to tags', async () => {
    const dir = `${root}/catalog`;
    const map = put(dir, 'map.json', { blockers: [{ id: 'B-1', actor_needed: 'owner', blocks: 'Deploy_Prod' }] });
    const catalog = put(dir, 'catalog.json', { actions: { ship: { tags: ['deploy prod'] } }, environments: { eu: { tags: [] } } });
    const r = await blockgate(['check', '--blockers', map, '--catalog', catalog, '--action', 'ship', '--env', 'eu', '--at', at, '--format', 'json']);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.json.denials.map((x: { blocker_id: string }) => x.blocker_id)).toEqual(['B-1']);
  });

  it('each denial names the map it came from; several maps by glob', async () => {
    const dir = `${root}/glob`;
    const a = put(dir, 'maps/a/blockers.json', { blockers: [{ id: 'B-A', actor_needed: 'owner', blocks: 'apply' }] });
    const b = put(dir, 'maps/b/blockers.json', { blockers: [{ id: 'B-B', actor_needed: 'owner', blocks: 'apply' }] });
    const r = await blockgate(['check', '--blockers', 'maps/**/blockers.json', '--action', 'apply', '--env', 'staging', '--at', at, '--format', 'json'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.json.denials.map((x: { blocker_id: string; source: string }) => [x.blocker_id, `${dir}/${x.source}`])).toEqual([['B-A', a], ['B-B', b]]);
  });

  it('ignored_grants lists a grant once per reason, with the blockers it names', async () => {
    const map = { blockers: [
      { id: 'B-1', actor_needed: 'owner', blocks: 'apply' },
      { id: 'B-2', actor_needed: 'operator', blocks: 'apply' },
      { id: 'B-3', actor_needed: 'operator', blocks: 'apply' },
    ] };
    const d = await decide(map, [ownerGrant('G-1', { resolves: ['B-1', 'B-2', 'B-3'] })], { action: 'apply', env: 'staging', at });
    expect(d.satisfied).toEqual([{ blocker_id: 'B-1', grants: ['G-1'] }]);
    expect(d.ignored_grants).toEqual([{ grant_id: 'G-1', blocker_ids: ['B-2', 'B-3'], reason: 'role-not-required' }]);
  });

  it('ignored_grants are sorted by grant id, across many grants', async () => {
    const ids = Array.from({ length: 75 }, (_, i) => `G-${(i * 37) % 75}`);
    const d = await decide(ONE, ids.map((id) => ownerGrant(id, { action: 'cutover' })), { action: 'apply', env: 'staging', at });
    expect(d.ignored_grants.map((g) => g.grant_id)).toEqual([...ids].sort());
    expect(d.ignored_grants.every((g) => g.reason === 'other-action' && g.blocker_ids.join() === 'B-1')).toBe(true);
  });

  it('denials, satisfied and grant ids are sorted', async () => {
    const map = { blockers: ['B-3', 'B-1', 'B-2', 'B-0'].map((id) => ({ id, actor_needed: 'owner', blocks: 'apply' })) };
    const d = await decide(map, [ownerGrant('G-Z', { resolves: ['B-2', 'B-0'] }), ownerGrant('G-A', { resolves: ['B-0'] })], { action: 'apply', env: 'staging', at });
    expect(d.denials.map((x) => x.blocker_id)).toEqual(['B-1', 'B-3']);
    expect(d.satisfied).toEqual([{ blocker_id: 'B-0', grants: ['G-A', 'G-Z'] }, { blocker_id: 'B-2', grants: ['G-Z'] }]);
  });
});
