// `ledger verify`: integrity (schema, sequence, chain, ids, revokes) and every signature of a
// ledger, one finding per problem, in line order; and how an entry that only counts as ignored
// is reported, here and by `validate`.

import { BlockgateError } from '../errors.js';
import type { Finding, Report } from '../findings.js';
import { formatHead } from './head.js';
import { loadTrust } from './keys.js';
import { inspectLedgerText, type Ledger, type VerifiedEntry } from './ledger.js';
import { ledgerStore } from './store.js';

const IGNORED_BECAUSE = {
  'unknown-key': 'its key is not in the trust file',
  'role-mismatch': "its role differs from its key's role",
} as const;

/** The finding for an entry that is only ignored (SPEC 1.4); undefined for an authentic one. */
export function inauthenticFinding(ledgerFile: string, e: VerifiedEntry): Finding | undefined {
  if (e.auth === 'ok') return undefined;
  return {
    severity: 'error', code: e.auth,
    message: `${ledgerFile} line ${e.line}: ${e.entry.type} ${e.entry.id} (key ${e.entry.key}) will be ignored: ${IGNORED_BECAUSE[e.auth]}`,
  };
}

/** The report of `ledger verify`: valid when the ledger is whole and every entry authentic. */
export async function verifyLedger(ledgerPath: string, trustPath: string): Promise<Report> {
  const trust = loadTrust(trustPath);
  const store = ledgerStore(ledgerPath);
  const ledgerName = store.name;
  const findings: Array<{ finding: Finding; line: number | undefined }> = [];
  const add = (finding: Finding, line: number | undefined) => findings.push({ finding, line });
  let ledger: Ledger | undefined;
  let intact = false;
  try {
    const { text, name } = await store.read();
    const inspection = inspectLedgerText(text, name, trust, { verify: true });
    ledger = inspection.ledger;
    intact = inspection.problems.length === 0;
    for (const p of inspection.problems) add({ severity: 'error', code: p.code, message: p.message }, p.line);
  } catch (e) {
    // A ledger that cannot be reached (io: a database down) is no verdict on the ledger: exit 1.
    if (!(e instanceof BlockgateError) || e.code === 'usage' || e.code === 'internal' || e.code === 'io') throw e;
    for (const p of e.problems) add({ severity: 'error', code: p.code, message: p.message }, p.line);
  }
  // Signatures too, even on a broken chain: the edited line is the one whose signature fails.
  for (const entry of ledger?.entries ?? []) {
    const finding = inauthenticFinding(ledgerName, entry);
    if (finding) add(finding, entry.line);
  }
  // Stable: problems of one line keep the order they were found in.
  findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return {
    subject: 'ledger verify',
    valid: findings.length === 0,
    findings: findings.map((f) => f.finding),
    facts: {
      entries: ledger?.entries.length ?? null,
      // A broken chain has no head worth pinning.
      head: intact && ledger?.head ? formatHead(ledger.head) : null,
    },
  };
}
