import type { CommandModule } from 'yargs';
import { BlockgateError } from '../../errors.js';
import { loadTrust } from '../../ledger/keys.js';
import { inspectLedgerText, type Ledger } from '../../ledger/ledger.js';
import { readTextFile } from '../../load/files.js';
import { inauthenticFinding } from '../../validate.js';
import type { Finding, Report } from '../../render/renderer.js';
import { exitCodeForReport } from '../exit.js';
import { withFormat } from '../options.js';
import type { Runner } from '../context.js';

interface Args { ledger: string; trust: string; format: string }

/** Integrity (schema, sequence, chain, ids, revokes) and every signature; one finding per problem. */
export function verifyLedgerReport(ledgerPath: string, trustPath: string): Report {
  const trust = loadTrust(trustPath);
  const findings: Array<Finding & { line?: number | undefined }> = [];
  let ledger: Ledger | undefined;
  let intact = false;
  try {
    const inspection = inspectLedgerText(readTextFile(ledgerPath, 'ledger-schema'), ledgerPath, trust, { verify: true });
    ledger = inspection.ledger;
    intact = inspection.problems.length === 0;
    findings.push(...inspection.problems.map((p) => ({ severity: 'error' as const, code: p.code, message: p.message, line: p.line })));
  } catch (e) {
    if (!(e instanceof BlockgateError) || e.code === 'usage' || e.code === 'internal') throw e;
    findings.push(...e.problems.map((p) => ({ severity: 'error' as const, code: p.code, message: p.message, line: p.line })));
  }
  // Signatures too, even on a broken chain: the edited line is the one whose signature fails.
  for (const entry of ledger?.entries ?? []) {
    const finding = inauthenticFinding(ledgerPath, entry);
    if (finding) findings.push({ ...finding, line: entry.line });
  }
  findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  findings.forEach((f) => delete f.line);
  return {
    subject: 'ledger verify',
    valid: findings.length === 0,
    findings,
    facts: {
      entries: ledger?.entries.length ?? null,
      // A broken chain has no head worth pinning.
      head: intact && ledger?.head ? `${ledger.head.seq}:${ledger.head.hash}` : null,
    },
  };
}

export function ledgerVerifyCommand(run: Runner): CommandModule<object, Args> {
  return {
    command: 'verify',
    describe: 'verify a ledger: integrity and every signature (exit 0 clean, 3 problems)',
    builder: (y) => withFormat(y, 'report')
      .option('ledger', { type: 'string', demandOption: true, describe: 'grant ledger (JSON Lines)' })
      .option('trust', { type: 'string', demandOption: true, describe: 'trust file of signing keys' }) as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('report', 'ledger verify');
      const report = verifyLedgerReport(argv.ledger, argv.trust);
      return { output: render(report, ctx.render), exitCode: exitCodeForReport(report.valid) };
    }),
  };
}
