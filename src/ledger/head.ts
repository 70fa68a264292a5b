// Signed-head pinning: deleting the newest lines of a ledger leaves a valid chain, so the file
// alone cannot show it. A user who pins the head they have seen (SEQ:HASH) can.

import { BlockgateError } from '../errors.js';
import { readInput, type StdinReader } from '../load/files.js';
import { parseTrustText } from './keys.js';
import { isRemoteLedger, ledgerStore } from './store.js';
import { GENESIS_PREV, parseLedgerText, type Ledger, type LedgerHead } from './ledger.js';

/** "SEQ:HASH", as `ledger head` prints it. */
export function formatHead(head: LedgerHead | null): string {
  return head === null ? `0:${GENESIS_PREV}` : `${head.seq}:${head.hash}`;
}

export interface HeadSources {
  /** The ledger file; `-` reads standard input. */
  ledger: string;
  /** The trust file: when given, every signature is checked too. */
  trust?: string | undefined;
  stdin?: StdinReader | undefined;
}

/** What `ledger head` shows; seq 0 and 64 zeros for an empty ledger. */
export type HeadReport = { head: string; seq: number; hash: string; entries: number };

/** The head of a ledger, read and verified whole first: the chain is what the head vouches for. */
export async function readHead(sources: HeadSources): Promise<HeadReport> {
  const trustInput = sources.trust !== undefined ? readInput(sources.trust, 'trust-parse', sources.stdin) : undefined;
  const trust = trustInput !== undefined ? parseTrustText(trustInput.text, trustInput.name) : null;
  const { text, name } = isRemoteLedger(sources.ledger)
    ? await ledgerStore(sources.ledger).read()
    : readInput(sources.ledger, 'ledger-schema', sources.stdin);
  const ledger = parseLedgerText(text, name, trust, { verify: trust !== null });
  return { head: formatHead(ledger.head), seq: ledger.head?.seq ?? 0, hash: ledger.head?.hash ?? GENESIS_PREV, entries: ledger.entries.length };
}

/** Parses a pinned head; anything else is a usage error. */
export function parseHead(text: string): LedgerHead {
  const m = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text);
  if (!m) throw new BlockgateError('usage', `--ledger-head "${text}": expected SEQ:HASH as printed by \`blockgate ledger head\``);
  return { seq: Number(m[1]), hash: m[2]! };
}

/**
 * Refuses (ledger-truncated) a ledger whose chain does not contain the pinned entry: shorter
 * than the pin, or rewritten at or before it. The empty head 0:000… is in every ledger.
 */
export function requireHead(ledger: Ledger, pinned: LedgerHead): void {
  if (pinned.seq === 0) {
    if (pinned.hash === GENESIS_PREV) return;
    throw new BlockgateError('ledger-truncated', `${ledger.file}: pinned head ${formatHead(pinned)} names seq 0 with a hash other than the empty ledger's`, { file: ledger.file });
  }
  const entry = ledger.entries[pinned.seq - 1];
  if (entry === undefined) {
    throw new BlockgateError('ledger-truncated',
      `${ledger.file}: the ledger ends at seq ${ledger.head?.seq ?? 0}, but head ${formatHead(pinned)} was pinned: entries were removed`,
      { file: ledger.file });
  }
  if (entry.hash !== pinned.hash) {
    throw new BlockgateError('ledger-truncated',
      `${ledger.file} line ${entry.line}: entry seq ${pinned.seq} hashes to ${entry.hash}, not the pinned ${pinned.hash}: the ledger was rewritten`,
      { file: ledger.file, line: entry.line });
  }
}
