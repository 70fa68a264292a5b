// Replaying a decision log: every logged decision is decided again over the ledger prefix it
// saw (the entries up to its logged head, which must still hash the same) at its own `at`.

import { BlockgateError, type FindingCode } from '../errors.js';
import type { Gate } from '../gate/gate.js';
import type { Finding, Report } from '../findings.js';
import { readDecisionLog, type DecisionLogContents, type LoggedDecision } from './reader.js';
import { recordHash } from './record.js';

/** The worst outcome of a replay; the CLI maps it to the exit code. */
export type ReplayVerdict = 'match' | 'changed' | 'broken';

export interface ReplayReport extends Report {
  verdict: ReplayVerdict;
}

/** Why a line counts as broken (the log or the ledger no longer holds what was decided). */
const BROKEN: ReadonlySet<FindingCode> = new Set<FindingCode>(['log-schema', 'log-chain', 'ledger-truncated', 'ledger-rewritten']);

/** Replays a file log; a log anywhere (a file or a `postgresql://` URL): replayContents(gate, await readDecisionLogFrom(locator)). */
export function replayDecisionLog(gate: Gate, file: string): ReplayReport {
  return replayContents(gate, readDecisionLog(file));
}

export function replayContents(gate: Gate, log: DecisionLogContents): ReplayReport {
  const findings: Finding[] = log.problems.map((p) => ({ severity: 'error', code: p.code, message: p.message }));
  const ledger = gate.loaded.ledger;
  const policy = gate.policy;
  let matched = 0;
  let changed = 0;
  let notReplayed = 0;
  // The same rules or none: a decision made by another policy revision cannot be replayed here.
  const revisions = new Set(log.decisions.flatMap(({ record }) => (record.error === undefined && record.policy !== null ? [record.policy.revision] : [])));
  revisions.delete(policy.revision);
  if (revisions.size > 0) {
    const other = [...revisions].sort();
    throw new BlockgateError('usage', `${log.file}: decisions in it were made by policy revision ${other.join(', ')}, and this run decides with revision ${policy.revision}; replay with the bundle that made them: --bundle DIR, the directory \`blockgate build\` wrote for revision ${other[0]}`);
  }
  const otherPolicies = new Set<string>();
  // Logs are in time order, so heads mostly repeat or grow: keep the last prefix's gate only.
  let prefixSeq = -1;
  let prefixGate = gate;

  for (const logged of log.decisions) {
    const { record, line } = logged;
    const where = `${logged.chain ?? log.file} line ${line}`;
    if (record.error !== undefined) {
      notReplayed++;
      findings.push({ severity: 'warning', code: 'not-replayable', message: `${where}: decision ${record.decision_id} was a fail-closed error (${record.error.code}), not a decision; nothing to replay` });
      continue;
    }
    if (record.policy !== null && (record.policy.sha256 !== policy.sha256 || record.policy.revision !== policy.revision)) {
      otherPolicies.add(record.policy.revision);
    }

    const seq = record.ledger_head?.seq ?? 0;
    if (seq > ledger.entries.length) {
      const why = gate.loaded.options.ledger === undefined ? 'no --ledger was given' : 'the ledger was truncated or replaced';
      findings.push({ severity: 'error', code: 'ledger-truncated', message: `${where}: decision ${record.decision_id} saw the ledger up to seq ${seq}, but ${ledger.file} has ${ledger.entries.length} entries: ${why}` });
      continue;
    }
    const entry = seq === 0 ? undefined : ledger.entries[seq - 1];
    if (record.ledger_head !== null && entry?.hash !== record.ledger_head.hash) {
      findings.push({ severity: 'error', code: 'ledger-rewritten', message: `${where}: decision ${record.decision_id} saw ledger entry ${seq} with hash ${record.ledger_head.hash}, but ${ledger.file} line ${entry?.line ?? seq} now hashes to ${entry?.hash ?? '(none)'}: the ledger was rewritten` });
      continue;
    }

    if (prefixSeq !== seq) {
      prefixGate = gate.atLedgerSeq(seq);
      prefixSeq = seq;
    }
    const difference = compare(prefixGate, logged);
    if (difference === undefined) {
      matched++;
    } else {
      changed++;
      findings.push({ severity: 'error', code: 'decision-changed', message: `${where}: decision ${record.decision_id} (${record.request.action} in ${record.request.environment}${record.request.target === null ? '' : ` for ${record.request.target}`} at ${record.request.at}) ${difference}` });
    }
  }

  if (otherPolicies.size > 0) {
    findings.push({ severity: 'warning', code: 'policy-changed', message: `${log.file}: some decisions were made by policy revision ${[...otherPolicies].sort().join(', ')}; they were replayed with revision ${policy.revision}` });
  }
  const broken = findings.some((f) => BROKEN.has(f.code));
  const last = log.decisions.at(-1)?.record;
  return {
    subject: 'replay',
    valid: !broken && changed === 0,
    verdict: broken ? 'broken' : changed > 0 ? 'changed' : 'match',
    findings,
    facts: {
      lines: log.lines,
      decisions: log.decisions.length,
      matched,
      changed,
      not_replayed: notReplayed,
      verdict: broken ? 'broken' : changed > 0 ? 'changed' : 'match',
      // Removing lines from the end leaves a valid chain: compare this head with one kept elsewhere.
      head: last === undefined ? null : `${last.seq}:${recordHash(last)}`,
    },
  };
}

/** undefined when the decision is the same now; else what differs. */
function compare(gate: Gate, { record }: LoggedDecision): string | undefined {
  let now;
  try {
    now = gate.decide({ action: record.request.action, environment: record.request.environment, target: record.request.target, at: record.request.at }).decision;
  } catch (e) {
    if (!(e instanceof BlockgateError)) throw e;
    return `cannot be decided any more: ${e.code}: ${e.message}`;
  }
  const denials = now.denials.map((d) => d.blocker_id);
  const was = [...record.denials].sort();
  const is = [...denials].sort();
  if (now.allowed !== record.allowed) {
    return `was ${record.allowed ? 'allowed' : 'denied'}, is now ${now.allowed ? 'allowed' : 'denied'}${is.length > 0 ? ` (denied by ${is.join(', ')})` : ''}`;
  }
  if (was.join('\n') !== is.join('\n')) {
    return `was denied by ${was.join(', ') || 'nothing'}, is now denied by ${is.join(', ') || 'nothing'}`;
  }
  return undefined;
}
