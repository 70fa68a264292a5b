// Issue 12: grant-too-early says WHEN the prerequisites were met (SPEC 2.3's T(b): the latest
// direct time among them, as the policy gives it) and that a new grant, issued at or after that
// instant, is needed. The instant reaches the text only: SPEC 3's JSON, SARIF and JUnit keep
// their shapes.
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkRequest, openGate } from '../../src/index.js';
import { appendEntry } from '../../src/ledger/append.js';
import { ROOT, blockgate } from '../support/cli.js';

const AT = '2026-11-25T12:00:00Z';
const DAY = 86_400_000;
const iso = (daysBefore: number) => new Date(Date.parse(AT) - daysBefore * DAY).toISOString();
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
// Q's grant, two days before AT, is the later of B's two prerequisites: B's grant must be from then on.
const MET = '2026-11-23T12:00:00.000Z';
const SAYS = `a grant was issued before this blocker's prerequisites (its "after") were met at ${MET}; a new grant, issued at or after ${MET}, is needed`;
const SPEC_KEYS = ['allowed', 'request', 'denials', 'satisfied', 'ignored_grants', 'warnings', 'policy'];
const DENIAL_KEYS = ['kind', 'blocker_id', 'item', 'next_action', 'actor_needed', 'blocks', 'required_roles', 'mode', 'missing_roles', 'reasons', 'source'];

let args: string[];
let map: string;
let ledger: string;

beforeAll(async () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'bg-too-early-')));
  map = join(dir, 'map.json');
  writeFileSync(map, JSON.stringify({ blockers: [
    { id: 'P', actor_needed: 'operator', blocks: 'cutover' },
    { id: 'Q', actor_needed: 'security', blocks: 'cutover' },
    { id: 'B', actor_needed: 'owner', blocks: 'production', after: ['P', 'Q'] },
  ] }));
  ledger = join(dir, 'grants.jsonl');
  const key = readFileSync(`${ROOT}fixtures/keys/owner-1.test-only.key`, 'utf8');
  const grant = (id: string, role: string, daysBefore: number, resolves: string[]) => ({
    id, type: 'grant' as const, role, issued_at: iso(daysBefore), action: 'apply', environment: 'production', resolves,
  });
  // P met 4 days before, Q 2 days before; B's grant (3 days before) is after P's but before Q's.
  for (const draft of [grant('G-P', 'operator', 4, ['P']), grant('G-B', 'owner', 3, ['B']), grant('G-Q', 'security', 2, ['Q'])]) {
    await appendEntry({ ledgerPath: ledger, draft, privateKeyPem: key, keyId: 'owner-1' });
  }
  args = ['--blockers', map, '--ledger', ledger, '--insecure-no-verify', '--action', 'apply', '--env', 'production', '--at', AT];
});

describe('grant-too-early in text', () => {
  it('check says when the prerequisites were met (the latest of them) and that a new grant from then on is needed', async () => {
    const r = await blockgate(['check', ...args]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stdout)).toContain(`why grant-too-early ${SAYS}`);
  });

  it('check --explain-plan says it too, above the plan that re-grants B', async () => {
    const r = await blockgate(['check', ...args, '--explain-plan']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stdout)).toContain(SAYS);
    expect(oneLine(r.stdout)).toContain('owner: grant apply@production resolving B');
  });

  it('exec, denied, prints the denial as check does, with the instant, and does not run the command', async () => {
    const marker = join(realpathSync(mkdtempSync(join(tmpdir(), 'bg-too-early-exec-'))), 'ran');
    const r = await blockgate(['exec', ...args, '--', process.execPath, '-e', `require('node:fs').writeFileSync(${JSON.stringify(marker)}, '')`]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stdout)).toContain(SAYS);
    expect(() => readFileSync(marker)).toThrow();
  });
});

describe('the instant stays out of SPEC 3 shapes', () => {
  it('check --format json has SPEC 3 keys only, in the decision and in each denial', async () => {
    const r = await blockgate(['check', ...args, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(Object.keys(r.json)).toEqual(SPEC_KEYS);
    expect(r.json.denials.map((d: Record<string, unknown>) => Object.keys(d))).toEqual([DENIAL_KEYS]);
    expect(r.json.denials[0].reasons).toEqual(['grant-too-early']);
    expect(r.stdout).not.toContain('prerequisites_met');
    expect(r.stdout).not.toContain(MET);
  });

  it('sarif and junit carry neither the key nor the instant', async () => {
    for (const format of ['sarif', 'junit']) {
      const r = await blockgate(['check', ...args, '--format', format]);
      expect([format, r.code]).toEqual([format, 2]);
      expect(r.stdout).toContain('grant-too-early');
      expect(r.stdout).not.toContain('prerequisites_met');
      expect(r.stdout).not.toContain(MET);
    }
  });

  it('the library: a Decision without it, checkRequest beside the decision, in epoch ms', async () => {
    const options = { blockers: [map], ledger, insecureNoVerify: true };
    const request = { action: 'apply', environment: 'production', at: AT };
    const gate = await openGate(options);
    expect(Object.keys(gate.check(request))).toEqual(SPEC_KEYS);
    expect(gate.decide(request).prerequisitesMetAt).toEqual({ B: Date.parse(MET) });
    const answer = await checkRequest(options, request);
    expect(answer.prerequisitesMetAt).toEqual({ B: Date.parse(MET) });
    expect(Object.keys(answer.decision)).toEqual(SPEC_KEYS);
  });

  it('a denial for another reason has no instant', async () => {
    const gate = await openGate({ blockers: [map], ledger, insecureNoVerify: true });
    const decided = gate.decide({ action: 'cutover', environment: 'staging', at: AT });
    expect(decided.decision.denials.map((d) => [d.blocker_id, d.reasons])).toEqual([['P', ['missing-grant']], ['Q', ['missing-grant']]]);
    expect(Object.hasOwn(decided, 'prerequisitesMetAt')).toBe(false);
  });
});
