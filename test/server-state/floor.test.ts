// SPEC 5: the server never moves to a ledger that lacks the newest entry it has served; it fails
// closed (allowed false, ledger-truncated, /health 503) until the ledger holds that entry again.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { openGate } from '../../src/index.js';
import { formatHead } from '../../src/ledger/head.js';
import { jsonl, type Entry } from '../tamper/ledgers.js';
import {
  AT, files, grantAfter, headOf, inProcessServer, optionsOf, replace, resignedFrom, revokeAfter, trustWithout, TRUST_TEXT,
  type InProcessServer,
} from './world.js';

const APPLY = { action: 'real-run', environment: 'staging', at: AT };
let server: InProcessServer | undefined;
afterEach(async () => { await server?.close(); server = undefined; });

describe('the server floor (SPEC 5)', () => {
  it('a rollback of a served revoke fails closed instead of bringing the grant back, and recovers when the entry is back', async () => {
    const granted = [grantAfter([], 0)];
    const revoked = [...granted, revokeAfter(granted, granted[0]!)];
    const f = files(granted);
    server = await inProcessServer(optionsOf(f));
    expect((await server.decide(APPLY)).body.result.allowed).toBe(true);
    replace(f.ledger, jsonl(revoked));
    expect(server.live.reload().ready).toBe(true);
    expect((await server.decide(APPLY)).body.result.allowed).toBe(false);
    // `head -n -1`: the revoke is gone; the chain alone is valid and would allow.
    replace(f.ledger, jsonl(granted));
    expect(server.live.reload().ready).toBe(false);
    const denied = await server.decide(APPLY);
    expect(denied.body.result.allowed).toBe(false);
    expect(denied.body.result.error.code).toBe('ledger-truncated');
    expect(denied.body.result.error.message).toContain(formatHead(headOf(revoked)!));
    expect((await server.health()).status).toBe(503);
    replace(f.ledger, jsonl(revoked));
    expect(server.live.reload().ready).toBe(true);
    expect((await server.health()).status).toBe(200);
    expect((await server.decide(APPLY)).body.result.allowed).toBe(false);
  });

  it('a deleted ledger is not read as an empty one', async () => {
    const f = files([grantAfter([], 0)]);
    server = await inProcessServer(optionsOf(f));
    replace(f.ledger, null);
    expect(server.live.reload().ready).toBe(false);
    expect((await server.decide(APPLY)).body.result.allowed).toBe(false);
    expect((await server.health()).status).toBe(503);
  });

  it('--ledger-head pins a floor from the start', async () => {
    const granted = [grantAfter([], 0)];
    const revoked = [...granted, revokeAfter(granted, granted[0]!)];
    const f = files(granted);
    const options = optionsOf(f, { ledgerHead: formatHead(headOf(revoked)!) });
    await expect(openGate(options)).rejects.toMatchObject({ code: 'ledger-truncated' });
  });

  it('generated: every answer is the model of the newest verified state that extends the floor, or fails closed', async () => {
    // Operations on the ledger and trust file; the model tracks the floor (the newest head adopted).
    type Op = { kind: 'grant' | 'revoke' | 'truncate' | 'rewrite' | 'garbage' | 'delete' | 'restore' | 'trust-drop' | 'trust-back' };
    const op = fc.constantFrom<Op['kind']>('grant', 'revoke', 'truncate', 'rewrite', 'garbage', 'delete', 'restore', 'trust-drop', 'trust-back');
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
      let entries: Entry[] = [grantAfter([], 0)];
      const f = files(entries);
      const s = await inProcessServer(optionsOf(f));
      let floor = entries.length;
      let full = entries;
      let trustOk = true;
      let onDisk: string | null = jsonl(entries);
      try {
        for (const kind of ops) {
          let text: string | null = jsonl(entries);
          if (kind === 'grant') { entries = [...entries, grantAfter(entries, entries.length)]; text = jsonl(entries); }
          if (kind === 'revoke') {
            const grant = entries.find((e) => e.type === 'grant');
            if (grant !== undefined) entries = [...entries, revokeAfter(entries, grant)];
            text = jsonl(entries);
          }
          if (kind === 'truncate') { entries = entries.slice(0, -1); text = jsonl(entries); }
          if (kind === 'rewrite' && entries.length > 0) { entries = resignedFrom(entries.map((e, i) => (i === 0 ? { ...e, note: 'rewritten' } : e)), 0); text = jsonl(entries); }
          if (kind === 'garbage') { text = 'not json\n'; }
          if (kind === 'delete') text = null;
          if (kind === 'restore') { entries = full; text = jsonl(entries); }
          if (kind === 'trust-drop') { trustOk = false; replace(f.trust, trustWithout('owner-1')); }
          if (kind === 'trust-back') { trustOk = true; replace(f.trust, TRUST_TEXT); }
          if (!kind.startsWith('trust')) { replace(f.ledger, text); onDisk = text; }
          const status = s.live.reload();
          // Model: valid iff the file is a signed chain, the trust file holds every key, and it holds
          // the floor entry unchanged (a rewrite from line 1 changes every hash).
          const chainValid = onDisk !== null && onDisk !== 'not json\n';
          const holdsFloor = chainValid && entries.length >= floor && entries.slice(0, floor).every((e, i) => JSON.stringify(e) === JSON.stringify(full[i]));
          // A dropped key leaves its entries unknown-key (ignored, SPEC 1.4): still a valid state, denying.
          const expectReady = chainValid && holdsFloor;
          expect(status.ready).toBe(expectReady);
          const answer = await s.decide(APPLY);
          const health = await s.health();
          expect(health.status).toBe(expectReady ? 200 : 503);
          if (!expectReady) expect(answer.body.result.allowed).toBe(false);
          if (expectReady) {
            floor = entries.length;
            full = entries;
            const revoked = new Set(entries.filter((e) => e.type === 'revoke').map((e) => e.revokes));
            const standing = entries.some((e) => e.type === 'grant' && e.action === 'real-run' && !revoked.has(e.id));
            expect(answer.body.result.allowed).toBe(standing && trustOk);
          }
        }
      } finally {
        await s.close();
      }
    }), { numRuns: Number(process.env.SERVER_STATE_RUNS ?? 25) });
  }, 120_000);
});
