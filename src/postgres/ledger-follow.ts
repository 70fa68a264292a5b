// Following a ledger table for a server (SPEC 7): LISTEN for the NOTIFY every append sends, and
// look once a second anyway (a notification can be lost with its connection). Each look asks
// the database whether the rows the server holds are unchanged (their count, last seq and the
// SHA-256 of their text) and fetches only the rows after them; any other change (an old row
// edited or deleted) fetches the whole table. While the database cannot be reached, the error is
// handed on (the server fails closed) and the connection is made again, backing off, until it is.

import type pg from 'pg';
import { BlockgateError } from '../errors.js';
import { sha256Hex as sha256 } from '../schema/canonical.js';
import type { FetchedLedger, LedgerSnapshot } from '../ledger/store.js';
import { connect, databaseError, type PostgresTarget } from './connect.js';
import { LEDGER_CHANNEL, ledgerTarget, lookAtLedgerTable, rowsText } from './ledger-table.js';

export interface LedgerFollower {
  /** Stops looking and closes the connection. Idempotent. */
  close(): Promise<void>;
}

export interface FollowOptions {
  /** How often to look without a notification. Default 1000 ms. */
  pollMs?: number | undefined;
  /** The longest wait between attempts to reconnect. Default 5000 ms. */
  maxBackoffMs?: number | undefined;
}

/**
 * Follows the table `url` names, starting from `seed` (the snapshot the server loaded);
 * `onChange` hears each new snapshot, or the error that stands in for one, once per change.
 */
export function followLedgerTable(url: string, seed: LedgerSnapshot, onChange: (fetched: FetchedLedger) => void, opts: FollowOptions = {}): LedgerFollower {
  const target = ledgerTarget(url);
  const pollMs = opts.pollMs ?? 1000;
  const maxBackoffMs = opts.maxBackoffMs ?? 5000;
  let text = seed.text;
  let rows = countLines(text);
  let digest = sha256(text);
  let failing: string | undefined;
  let client: pg.Client | undefined;
  let closed = false;
  let looking = false;
  let again = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  const deliver = (next: string) => {
    if (next === text && failing === undefined) return;
    text = next;
    rows = countLines(next);
    digest = sha256(next);
    failing = undefined;
    onChange({ snapshot: { name: target.name, text: next } });
  };

  const fail = (error: BlockgateError) => {
    // The same failure is reported once; the server stays failed closed until a look succeeds.
    if (failing !== error.message) onChange({ error });
    failing = error.message;
  };

  const connected = async (): Promise<pg.Client> => {
    if (client !== undefined) return client;
    const made = await connect(target, 'follow the ledger');
    made.on('notification', (n) => {
      if (n.channel === LEDGER_CHANNEL && n.payload === target.table) void look();
    });
    made.on('error', () => dropClient(made));
    made.on('end', () => dropClient(made));
    await made.query(`LISTEN ${LEDGER_CHANNEL}`);
    if (closed) {
      await made.end().catch(() => undefined);
      throw new BlockgateError('io', `${target.name}: the follower was closed`);
    }
    client = made;
    return made;
  };

  const dropClient = (which: pg.Client) => {
    if (client !== which) return;
    client = undefined;
    void which.end().catch(() => undefined);
  };

  async function look(): Promise<void> {
    if (closed) return;
    if (looking) {
      again = true;
      return;
    }
    looking = true;
    try {
      do {
        again = false;
        const c = await connected();
        const change = await lookAtLedgerTable(c, target, rows, digest);
        if (change.prefixIntact) {
          if (change.added.length > 0) deliver(text + rowsText(change.added, target.name, rows + 1));
          else if (failing !== undefined) deliver(text);
        } else {
          deliver(await wholeTable(c, target));
        }
        failures = 0;
      } while (again && !closed);
    } catch (e) {
      if (!closed) {
        failures++;
        if (client !== undefined && !(e instanceof BlockgateError && e.code !== 'io')) dropClient(client);
        fail(e instanceof BlockgateError ? e : databaseError(target, 'follow the ledger', e));
      }
    } finally {
      looking = false;
    }
  }

  const schedule = () => {
    if (closed) return;
    // After failures, wait longer (up to maxBackoffMs) before the next attempt.
    const wait = failures === 0 ? pollMs : Math.min(maxBackoffMs, pollMs * 2 ** Math.min(failures - 1, 8));
    timer = setTimeout(() => {
      void look().finally(schedule);
    }, wait);
    timer.unref?.();
  };
  void look().finally(schedule);

  return {
    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}

/** The whole table's text, read in one snapshot on the follower's connection. */
async function wholeTable(client: pg.Client, target: PostgresTarget): Promise<string> {
  const change = await lookAtLedgerTable(client, target, 0, sha256(''));
  return rowsText(change.added, target.name);
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
