import type { CommandModule } from 'yargs';
import { BlockgateError } from '../../errors.js';
import { parseDuration } from '../../ledger/append-checks.js';
import { appendChecked, type CheckedAppendResult } from '../../gate/ledger-append.js';
import { buildDraft, readDraft, readDrafts, type DraftEntry } from '../../ledger/draft.js';
import type { StdinReader } from '../../load/files.js';
import { EXIT } from '../exit.js';
import { withBundle, withFormat } from '../options.js';
import { refuseStdinFor, stdinAtMostOnce, type Runner } from '../context.js';

interface Args {
  ledger: string; key: string; 'key-id': string; trust?: string; entry?: string; format: string;
  type?: string; id?: string; role?: string; 'issued-at'?: string; action?: string; env?: string; target?: string;
  resolves?: string[]; 'expires-at'?: string; evidence?: string[]; revokes?: string; note?: string;
  'evidence-file'?: string; 'evidence-uri'?: string;
  entries?: string; blockers: string[]; catalog?: string; 'max-skew'?: string; force: boolean; 'dry-run': boolean;
}

const ENTRY_FLAGS = [
  'type', 'id', 'role', 'issued-at', 'action', 'env', 'target', 'resolves', 'expires-at', 'evidence', 'evidence-file', 'evidence-uri', 'revokes', 'note',
] as const;

/** The drafts and where each came from: flags, `--entry FILE` (one object) or `--entries FILE` (JSON Lines). */
function draftsOf(argv: Args, stdin: StdinReader | undefined): { drafts: DraftEntry[]; names?: string[] } {
  const file = argv.entry !== undefined ? 'entry' : argv.entries !== undefined ? 'entries' : undefined;
  if (argv.entry !== undefined && argv.entries !== undefined) throw new BlockgateError('usage', '--entry and --entries do not go together: give one entry, or a file of several');
  if (file !== undefined) {
    const flag = ENTRY_FLAGS.find((name) => argv[name] !== undefined);
    if (flag !== undefined) throw new BlockgateError('usage', `--${file} and --${flag} do not go together: put the field in the entry file`);
    return argv.entry !== undefined ? { drafts: [readDraft(argv.entry, stdin)] } : readDrafts(argv.entries!, stdin);
  }
  return {
    drafts: [buildDraft({
      type: argv.type ?? 'grant', id: argv.id, role: argv.role, issuedAt: argv['issued-at'], action: argv.action,
      env: argv.env, target: argv.target, resolves: argv.resolves, expiresAt: argv['expires-at'],
      evidence: argv.evidence, evidenceFile: argv['evidence-file'], evidenceUri: argv['evidence-uri'], revokes: argv.revokes, note: argv.note,
    })],
  };
}

/** One entry: as before (`appended`, `seq`, `hash`, `entry`); several: their ids, seqs and entries, the last hash. */
function outcomeOf(result: CheckedAppendResult, ledger: string, several: boolean): Record<string, unknown> {
  const { entries } = result;
  const last = entries.at(-1)!;
  const out: Record<string, unknown> = several
    ? { [result.dryRun ? 'would_append' : 'appended']: entries.map((e) => e.entry.id), seq: entries.map((e) => e.entry.seq), hash: last.hash, ledger, entries: entries.map((e) => e.entry) }
    : { [result.dryRun ? 'would_append' : 'appended']: last.entry.id, seq: last.entry.seq, hash: last.hash, ledger, entry: last.entry };
  if (result.dryRun) {
    out.written = false;
    out.changes = result.changes ?? 'not known: give --blockers to decide the matrix before and after';
    if (result.decidedAt !== null) out.decided_at = result.decidedAt;
  }
  if (result.forced.length > 0) out.forced = result.forced.map((p) => ({ code: p.code, message: p.message }));
  if (result.unchecked.length > 0) out.unchecked = result.unchecked;
  return out;
}

export function ledgerAppendCommand(run: Runner): CommandModule<object, Args> {
  return {
    command: 'append',
    describe: 'sign, chain and append entries (refused if they would make the ledger invalid, or not do what was meant)',
    // A dry run's matrix cells are decided by the policy: --bundle says which.
    builder: (y) => withBundle(withFormat(y, 'data'))
      .option('ledger', { type: 'string', demandOption: true, describe: 'grant ledger: a JSON Lines file (created if missing) or a postgresql:// URL (see ledger init)' })
      .option('key', { type: 'string', demandOption: true, describe: 'private key (PEM) to sign with' })
      .option('key-id', { type: 'string', demandOption: true, describe: 'id of that key in the trust file' })
      .option('trust', { type: 'string', describe: 'trust file: refuse an entry it would ignore (and fill --role from it)' })
      .option('entry', { type: 'string', describe: 'the entry as a JSON file (instead of the flags below); - reads standard input' })
      .option('entries', { type: 'string', describe: 'several entries, one JSON object a line (e.g. plan --emit-ledger-template), appended all or none; - reads standard input' })
      // Optional here (an empty list, not absent): the configuration fills it when it has maps, but none is required.
      .option('blockers', { type: 'string', array: true, default: [], defaultDescription: 'none: resolves is not checked', describe: 'blocker map file or glob pattern (repeatable, or from blockgate.json): refuse a resolves id no map has' })
      .option('catalog', { type: 'string', describe: 'catalog file (default: the built-in one): refuse an action or environment not in it' })
      .option('max-skew', { type: 'string', describe: 'how far issued_at may lie from the clock, either way (default 5m; units ms, s, m, h, d)' })
      .option('force', { type: 'boolean', default: false, describe: 'append despite an unknown name or blocker, a mis-dated entry or a revoke without effect' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'print the signed entries and the matrix cells they would change; write nothing' })
      .option('type', { type: 'string', choices: ['grant', 'revoke'], describe: 'entry type (default grant)' })
      .option('id', { type: 'string', describe: 'entry id, unique in the ledger' })
      .option('role', { type: 'string', describe: "grantor's role (default: the key's role in --trust)" })
      .option('issued-at', { type: 'string', describe: 'RFC 3339 (default: now)' })
      .option('action', { type: 'string', describe: 'grant: the action' })
      .option('env', { type: 'string', describe: 'grant: the environment' })
      .option('target', { type: 'string', describe: 'grant: the target (default: any)' })
      .option('resolves', { type: 'string', array: true, describe: 'grant: blocker ids (comma-separated or repeated)' })
      .option('expires-at', { type: 'string', describe: 'grant: RFC 3339 expiry' })
      .option('evidence', { type: 'string', array: true, describe: 'grant: URI=SHA256 (repeatable)' })
      .option('evidence-file', { type: 'string', describe: 'grant: a file to hash (SHA-256) for evidence; needs --evidence-uri' })
      .option('evidence-uri', { type: 'string', describe: 'grant: where the --evidence-file is published (required with it)' })
      .option('revokes', { type: 'string', describe: 'revoke: the grant id it revokes' })
      .option('note', { type: 'string', describe: 'free text' }) as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('data', 'ledger append');
      // The ledger and the key are files: the one is rewritten, the other is not piped by accident.
      refuseStdinFor({ ledger: argv.ledger, key: argv.key, trust: argv.trust, catalog: argv.catalog }, 'ledger append reads it as a file');
      stdinAtMostOnce({ entry: argv.entry, entries: argv.entries, blockers: argv.blockers });
      const maxSkewMs = argv['max-skew'] === undefined ? undefined : parseDuration(argv['max-skew']);
      const { drafts, names } = draftsOf(argv, ctx.stdin);
      const result = await appendChecked({
        ledgerPath: argv.ledger, drafts, names, keyFile: argv.key, keyId: argv['key-id'], trustFile: argv.trust,
        blockers: argv.blockers, catalog: argv.catalog, stdin: ctx.stdin, maxSkewMs, force: argv.force, dryRun: argv['dry-run'], bundle: ctx.bundle,
      });
      return { output: render(outcomeOf(result, argv.ledger, argv.entries !== undefined), ctx.render), exitCode: EXIT.ok };
    }),
  };
}
