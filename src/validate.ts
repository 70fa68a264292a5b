// `validate`: every problem in maps, ledger, trust and catalog at once, then the policy's lint.
// The inputs are loaded by the gate's own sequence, collecting problems instead of stopping.

import type { Problem } from './errors.js';
import { inauthenticFinding } from './ledger/verify.js';
import { readSealedBundle, type SealedBundle } from './engine/bundle.js';
import { Engine } from './engine/engine.js';
import { collectInto, entriesOf, readInputs, worldOf } from './gate/state.js';
import { checkedBundle, checkedGateOptions } from './gate/options.js';
import type { GateOptions } from './gate/types.js';
import { fetchRemoteLedger } from './ledger/store.js';
import type { Finding, Report } from './findings.js';

function toFinding(p: Problem): Finding {
  return { severity: 'error', code: p.code, message: p.message };
}

/**
 * Every problem of the inputs, as a report (SPEC 3 `validate`); a ledger that cannot be read
 * (a file or a database) is one of them. The bundle is read from
 * `bundleDir` unless one readSealedBundle already checked is given.
 */
export async function validateInputs(given: GateOptions, bundle?: SealedBundle): Promise<Report> {
  const what = 'validateInputs options';
  const options = checkedGateOptions(given, what);
  const policy = checkedBundle(bundle, options, what) ?? readSealedBundle(options.bundleDir, { keyFile: options.bundleKey });
  const fetched = await fetchRemoteLedger(options.ledger);
  const problems: Problem[] = [];
  const { catalog, blockers, trust, ledger, verify } = readInputs(options, collectInto(problems), { fetched });
  const findings: Finding[] = problems.map(toFinding);
  if (ledger !== undefined && verify && trust) {
    for (const entry of ledger.entries) {
      const finding = inauthenticFinding(ledger.file, entry);
      if (finding) findings.push(finding);
    }
  }
  // The policy's lint needs a catalog to judge tags; with a broken one it would only mislead.
  if (catalog !== undefined) {
    const entries = ledger === undefined ? [] : entriesOf(ledger);
    const engine = Engine.open(worldOf(catalog, blockers, trust ?? null, entries, verify), policy);
    findings.push(...engine.lint());
  }
  const errors = findings.filter((f) => f.severity === 'error');
  return {
    subject: 'validate',
    valid: errors.length === 0,
    findings: [...errors, ...findings.filter((f) => f.severity !== 'error')],
    facts: {
      maps: blockers.maps.length,
      blockers: blockers.blockers.size,
      ledger_entries: ledger?.entries.length ?? 0,
      trusted_keys: trust ? trust.keys.size : null,
    },
  };
}
