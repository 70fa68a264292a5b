// SPEC 5, one scenario at a time: the live server never moves to a ledger that lacks the newest
// entry it has served (rollback, truncation, a rewritten past, a deleted file), fails closed
// with `ledger-truncated` (or the input's own error) and /health 503, and recovers by itself.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openGate } from '../../src/index.js';
import { formatHead } from '../../src/ledger/head.js';
import { readDecisionLog } from '../../src/decision-log/reader.js';
import { replayDecisionLog } from '../../src/decision-log/replay.js';
import { LiveGate } from '../../src/live-gate.js';
import { hashOf, jsonl, type Entry } from '../tamper/ledgers.js';
import {
  AT, files, grantAfter, headOf, inProcessServer, optionsOf, replace, resignedFrom, revokeAfter, trustWithout,
  type InProcessServer,
} from './world.js';

const servers: InProcessServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const REAL_RUN = { action: 'real-run', environment: 'staging', at: AT };

/** A staging real-run grant, then its revoke: served, real-run is denied. */
function grantThenRevoke(): Entry[] {
  const entries: Entry[] = [];
  entries.push(grantAfter(entries, 0));
  entries.push(revokeAfter(entries, entries[0]!));
  return entries;
}

async function start(entries: Entry[], extra: { ledgerHead?: string; log?: boolean } = {}) {
  const f = files(entries);
  const options = optionsOf(f, extra.ledgerHead === undefined ? {} : { ledgerHead: extra.ledgerHead });
  const server = await inProcessServer(options, extra.log ? f.log : undefined);
  servers.push(server);
  return { f, options, server };
}

/** Every endpoint fails closed with `code`, and /health is 503 naming it. */
async function expectFailedClosed(server: InProcessServer, code: string, message: RegExp) {
  const decision = await server.decide(REAL_RUN);
  expect(decision.status).toBe(200);
  expect(decision.body.result).toEqual({ allowed: false, error: { code, message: expect.stringMatching(message) } });
  expect((await server.post('/v1/data/blockgate/plan', { input: REAL_RUN })).body.result).toEqual({ allowed: false, error: { code, message: expect.stringMatching(message) } });
  expect((await server.post('/v1/data/blockgate/matrix', { input: { at: AT } })).body.result).toEqual({ allowed: false, error: { code, message: expect.stringMatching(message) } });
  const health = await server.health();
  expect(health.status).toBe(503);
  expect(health.body).toEqual({ code: 'unavailable', message: expect.stringContaining(`every decision is denied: ${code}: `) });
}

const allowedNow = async (server: InProcessServer) => (await server.decide(REAL_RUN)).body.result.allowed;

describe('the served ledger head is a floor (SPEC 5)', () => {
  it('refuses the revoke rolled back (`head -n -1`), in place or by rename, until the revoke is back', async () => {
    const entries = grantThenRevoke();
    const { f, server } = await start(entries);
    expect(await allowedNow(server)).toBe(false);
    expect(server.live.servedHead).toEqual(headOf(entries));

    // What `head -n -1 grants.jsonl` leaves: a valid chain that allows the request again.
    const rolledBack = jsonl(entries.slice(0, 1));
    expect((await openGate(optionsOf({ ...f, ledger: writeAndReturn(`${f.ledger}.alone`, rolledBack) }))).check(REAL_RUN).allowed).toBe(true);
    for (const write of [(t: string) => replace(f.ledger, t), (t: string) => writeFileSync(f.ledger, t)]) {
      write(rolledBack);
      expect(server.live.reload().ready).toBe(false);
      await expectFailedClosed(server, 'ledger-truncated', /grants\.jsonl: the ledger ends at seq 1, but head 2:[0-9a-f]{64} was pinned.*the server has already served ledger head 2:/);
      // The floor does not move down with the file.
      expect(server.live.servedHead).toEqual(headOf(entries));
      write(jsonl(entries));
      expect(server.live.reload().ready).toBe(true);
      expect(await allowedNow(server)).toBe(false);
      expect((await server.health()).status).toBe(200);
    }
  });

  it('refuses a ledger truncated by any number of lines, down to an empty file, never reading it as no grants', async () => {
    const entries = grantThenRevoke();
    entries.push(grantAfter(entries, 1), grantAfter([...entries, {}], 2));
    const ledger = resignedFrom(entries, 0);
    const { f, server } = await start(ledger);
    for (let keep = ledger.length - 1; keep >= 0; keep--) {
      replace(f.ledger, jsonl(ledger.slice(0, keep)));
      expect(server.live.reload().ready).toBe(false);
      await expectFailedClosed(server, 'ledger-truncated', new RegExp(`the ledger ends at seq ${keep}, but head ${ledger.length}:`));
    }
    replace(f.ledger, jsonl(ledger));
    expect(server.live.reload().ready).toBe(true);
  });

  it('fails closed on a deleted ledger (an input error, not "no ledger"), and on a recreated empty one', async () => {
    const entries = grantThenRevoke();
    const { f, server } = await start(entries);
    replace(f.ledger, null);
    expect(server.live.reload().ready).toBe(false);
    await expectFailedClosed(server, 'ledger-schema', /grants\.jsonl: not found/);
    replace(f.ledger, '');
    expect(server.live.reload().ready).toBe(false);
    await expectFailedClosed(server, 'ledger-truncated', /the ledger ends at seq 0, but head 2:/);
    replace(f.ledger, jsonl(entries));
    expect(server.live.reload().ready).toBe(true);
  });

  it('fails closed on an old line rewritten: unsigned (the chain breaks) or re-signed with the chain re-linked (the floor)', async () => {
    const entries = grantThenRevoke();
    const { f, server } = await start(entries);
    // The revoke's target edited in place: its signature and nothing else breaks.
    const edited = entries.map((e, i) => (i === 1 ? { ...e, note: 'edited' } : e));
    replace(f.ledger, jsonl(edited));
    expect(server.live.reload().ready).toBe(false);
    await expectFailedClosed(server, 'ledger-signature', /grants\.jsonl line 2: /);
    // A key holder rewrites history: a valid, fully signed chain whose entry 2 is another one.
    const forked = resignedFrom(entries.map((e, i) => (i === 1 ? { ...e, issued_at: '2026-11-26T00:00:00Z' } : e)), 1);
    expect((await openGate(optionsOf({ ...f, ledger: writeAndReturn(`${f.ledger}.forked`, jsonl(forked)) }))).check(REAL_RUN).allowed).toBe(true);
    replace(f.ledger, jsonl(forked));
    expect(server.live.reload().ready).toBe(false);
    await expectFailedClosed(server, 'ledger-truncated', /grants\.jsonl line 2: entry seq 2 hashes to [0-9a-f]{64}, not the pinned [0-9a-f]{64}: the ledger was rewritten/);
    // Re-linked after an edit at or before the floor, however long it grows, it stays refused.
    const grown = [...forked, grantAfter(forked, 1)];
    replace(f.ledger, jsonl(grown));
    expect(server.live.reload().ready).toBe(false);
    await expectFailedClosed(server, 'ledger-truncated', /the ledger was rewritten/);
  });

  it('keeps its floor while failing closed: garbage, then an older valid version, is still refused', async () => {
    const entries = grantThenRevoke();
    const { f, server } = await start(entries);
    replace(f.ledger, '\u0000 garbage {{{\n');
    expect(server.live.reload().ready).toBe(false);
    await expectFailedClosed(server, 'ledger-schema', /grants\.jsonl line 1: /);
    replace(f.ledger, jsonl(entries.slice(0, 1)));
    expect(server.live.reload().ready).toBe(false);
    await expectFailedClosed(server, 'ledger-truncated', /head 2:/);
  });

  it('moves to any ledger that holds the floor entry at its seq: appended, or different only after the floor', async () => {
    const first = [grantAfter([], 0)];
    const { f, server } = await start(first);
    expect(await allowedNow(server)).toBe(true);
    // After the floor (seq 1), one future; then another future from the same floor, not yet served.
    const revoked = [...first, revokeAfter(first, first[0]!)];
    const other = [...first, grantAfter(first, 1)];
    replace(f.ledger, jsonl(other));
    expect(server.live.reload().ready).toBe(true);
    expect(server.live.servedHead).toEqual(headOf(other));
    // other's entry 2 was adopted: revoked's entry 2 differs from it, so now it is refused.
    replace(f.ledger, jsonl(revoked));
    expect(server.live.reload().ready).toBe(false);
    await expectFailedClosed(server, 'ledger-truncated', /entry seq 2 hashes to .*the ledger was rewritten/);
    const grown = [...other, revokeAfter(other, first[0]!)];
    replace(f.ledger, jsonl(grown));
    expect(server.live.reload().ready).toBe(true);
    expect(await allowedNow(server)).toBe(false);
    expect(server.live.servedHead).toEqual({ seq: 3, hash: hashOf(grown[2]!) });
  });

  it('pins --ledger-head as the floor from the start, even above nothing served yet', async () => {
    const entries = grantThenRevoke();
    const pin = formatHead(headOf(entries));
    const { f, options, server } = await start(entries, { ledgerHead: pin });
    expect(server.live.servedHead).toEqual(headOf(entries));
    replace(f.ledger, jsonl(entries.slice(0, 1)));
    expect(server.live.reload().ready).toBe(false);
    await expectFailedClosed(server, 'ledger-truncated', /but head 2:[0-9a-f]{64} was pinned/);
    // A gate that does not hold the pin cannot be made live under it.
    const short = await openGate({ ...options, ledgerHead: undefined });
    expect(() => new LiveGate(options, short)).toThrow(expect.objectContaining({ code: 'ledger-truncated' }));
    // A pin below what the ledger holds: the floor is the head loaded at the start.
    replace(f.ledger, jsonl(entries));
    const low = new LiveGate({ ...options, ledgerHead: formatHead(headOf(entries.slice(0, 1))) }, await openGate(options));
    expect(low.servedHead).toEqual(headOf(entries));
  });

  it('fails closed on a trust file replaced by garbage or deleted; one lacking a key is a valid state', async () => {
    const entries = grantThenRevoke();
    const { f, server } = await start(entries);
    const trust = readFileSync(f.trust, 'utf8');
    replace(f.trust, '{"keys": [');
    expect(server.live.reload().ready).toBe(false);
    await expectFailedClosed(server, 'trust-parse', /trust\.json line 1/);
    replace(f.trust, null);
    expect(server.live.reload().ready).toBe(false);
    await expectFailedClosed(server, 'trust-parse', /trust\.json: not found/);
    // The trust file is the root of trust (whoever may write it may add a key and sign anything):
    // its current version decides which entries are authentic, here none of the owner's.
    replace(f.trust, trustWithout('owner-1'));
    expect(server.live.reload().ready).toBe(true);
    const answer = (await server.decide(REAL_RUN)).body.result;
    expect(answer.allowed).toBe(false);
    expect(answer.ignored_grants).toContainEqual(expect.objectContaining({ grant_id: 'G-1', reason: 'unknown-key' }));
    replace(f.trust, trust);
    expect(server.live.reload().ready).toBe(true);
  });

  it('logs every fail-closed answer with its error and no head, and the log replays over the restored ledger', async () => {
    const entries = grantThenRevoke();
    const { f, server } = await start(entries, { log: true });
    const denied = await server.decide(REAL_RUN);
    replace(f.ledger, jsonl(entries.slice(0, 1)));
    server.live.reload();
    const refused = await server.decide(REAL_RUN);
    replace(f.ledger, jsonl(entries));
    server.live.reload();
    const again = await server.decide(REAL_RUN);
    await server.log!.close();
    const { decisions, problems } = readDecisionLog(f.log);
    expect(problems).toEqual([]);
    expect(decisions.map((d) => d.record)).toEqual([
      expect.objectContaining({ decision_id: denied.body.decision_id, allowed: false, ledger_head: headOf(entries), denials: ['FIX7-P0-PLAN-REALRUN-1'] }),
      expect.objectContaining({ decision_id: refused.body.decision_id, allowed: false, denials: [], policy: null, ledger_head: null, error: { code: 'ledger-truncated', message: refused.body.result.error.message } }),
      expect.objectContaining({ decision_id: again.body.decision_id, allowed: false, ledger_head: headOf(entries) }),
    ]);
    const replay = replayDecisionLog(await openGate(optionsOf(f)), f.log);
    expect(replay.verdict).toBe('match');
    expect(replay.facts).toMatchObject({ decisions: 3, matched: 2, changed: 0, not_replayed: 1 });
    expect(replay.findings).toEqual([expect.objectContaining({ severity: 'warning', code: 'not-replayable', message: expect.stringContaining('fail-closed error (ledger-truncated)') })]);
  });
});

describe('a reload reads one settled set of inputs', () => {
  it('keeps the current state while an input changes during the load, and adopts once it holds still', async () => {
    const entries = grantThenRevoke();
    const { f, options } = await start(entries);
    // Every fingerprint differs from the one before: the inputs never hold still.
    let restless = true;
    let tick = 0;
    const live = new LiveGate(options, await openGate(options), Date.now(), () => (restless ? `moment ${tick++}` : 'still'));
    const before = live.status;
    replace(f.ledger, jsonl([...entries, grantAfter(entries, 1)]));
    expect(live.reload()).toBe(before);
    expect(live.servedHead).toEqual(headOf(entries));
    // Four loads were tried, each bracketed by two fingerprints.
    expect(tick).toBe(8);
    restless = false;
    const after = live.reload();
    expect(after.ready && after.gate.ledgerHead?.seq).toBe(3);
    expect(live.servedHead?.seq).toBe(3);
  });
});

function writeAndReturn(path: string, text: string): string {
  writeFileSync(path, text);
  return path;
}
