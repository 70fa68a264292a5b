// `validate`: every problem in maps, ledger, trust and catalog at once, then the policy's lint.

import { BlockgateError, type Problem } from './errors.js';
import { expandMapPatterns, loadBlockerMaps, type BlockerSet } from './load/maps.js';
import { loadCatalog, type Catalog } from './load/catalog.js';
import { loadTrust, type Trust } from './ledger/keys.js';
import { readLedger, type Ledger } from './ledger/ledger.js';
import { inauthenticFinding } from './ledger/verify.js';
import { parseHead, requireHead } from './ledger/head.js';
import { readSealedBundle } from './engine/bundle.js';
import { Engine } from './engine/engine.js';
import { entriesOf, mapSource, requireTrustFor, worldOf, type GateOptions } from './gate.js';
import { checkedGateOptions } from './gate-options.js';
import type { Finding, Report } from './render/renderer.js';

/** Runs one loading step, turning its BlockgateError into findings. */
function attempt<T>(findings: Finding[], step: () => T): T | undefined {
  try {
    return step();
  } catch (e) {
    if (!(e instanceof BlockgateError) || e.code === 'usage' || e.code === 'bundle-seal' || e.code === 'internal') throw e;
    findings.push(...e.problems.map(toFinding));
    return undefined;
  }
}

function toFinding(p: Problem): Finding {
  return { severity: 'error', code: p.code, message: p.message };
}

export function validateInputs(given: GateOptions): Report {
  const options = checkedGateOptions(given, 'validateInputs options');
  const bundle = readSealedBundle(options.bundleDir);
  const findings: Finding[] = [];
  const catalog: Catalog | undefined = attempt(findings, () => loadCatalog(options.catalog));
  let blockers: BlockerSet = { blockers: new Map(), resolved: new Map(), maps: [] };
  const files = attempt(findings, () => expandMapPatterns(options.blockers));
  if (files !== undefined) {
    const loaded = loadBlockerMaps(files, mapSource(options));
    findings.push(...loaded.problems.map(toFinding));
    blockers = loaded.set;
  }
  const trust: Trust | null | undefined = options.trust === undefined ? null : attempt(findings, () => loadTrust(options.trust!));
  const verify = !options.insecureNoVerify;
  let ledger: Ledger | undefined;
  if (options.ledger !== undefined) {
    ledger = attempt(findings, () => readLedger(options.ledger!, trust ?? null, { verify: verify && trust != null }));
    if (ledger !== undefined) requireTrustFor(ledger, verify, options.trust !== undefined);
    if (ledger !== undefined && options.ledgerHead !== undefined) {
      const pinned = ledger;
      attempt(findings, () => requireHead(pinned, parseHead(options.ledgerHead!)));
    }
    if (ledger !== undefined && verify && trust) {
      for (const entry of ledger.entries) {
        const finding = inauthenticFinding(ledger.file, entry);
        if (finding) findings.push(finding);
      }
    }
  }
  // The policy's lint needs a catalog to judge tags; with a broken one it would only mislead.
  if (catalog !== undefined) {
    const entries = ledger === undefined ? [] : entriesOf(ledger);
    const engine = Engine.open(worldOf(catalog, blockers, trust ?? null, entries, verify), bundle);
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
