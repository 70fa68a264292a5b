import type { CommandModule } from 'yargs';
import { BlockgateError } from '../../errors.js';
import { appendEntryFromFiles } from '../../ledger/append.js';
import { buildDraft, readDraft, type DraftEntry } from '../../ledger/draft.js';
import type { StdinReader } from '../../load/files.js';
import { EXIT } from '../exit.js';
import { withFormat } from '../options.js';
import { refuseStdinFor, type Runner } from '../context.js';

interface Args {
  ledger: string; key: string; 'key-id': string; trust?: string; entry?: string; format: string;
  type?: string; id?: string; role?: string; 'issued-at'?: string; action?: string; env?: string; target?: string;
  resolves?: string[]; 'expires-at'?: string; evidence?: string[]; revokes?: string; note?: string;
}

const ENTRY_FLAGS = ['type', 'id', 'role', 'issued-at', 'action', 'env', 'target', 'resolves', 'expires-at', 'evidence', 'revokes', 'note'] as const;

function draftOf(argv: Args, stdin: StdinReader | undefined): DraftEntry {
  if (argv.entry !== undefined) {
    const flag = ENTRY_FLAGS.find((name) => argv[name] !== undefined);
    if (flag !== undefined) throw new BlockgateError('usage', `--entry and --${flag} do not go together: put the field in the entry file`);
    return readDraft(argv.entry, stdin);
  }
  return buildDraft({
    type: argv.type ?? 'grant', id: argv.id, role: argv.role, issuedAt: argv['issued-at'], action: argv.action,
    env: argv.env, target: argv.target, resolves: argv.resolves, expiresAt: argv['expires-at'],
    evidence: argv.evidence, revokes: argv.revokes, note: argv.note,
  });
}

export function ledgerAppendCommand(run: Runner): CommandModule<object, Args> {
  return {
    command: 'append',
    describe: 'sign, chain and append one entry (refused if it would make the ledger invalid)',
    builder: (y) => withFormat(y, 'data')
      .option('ledger', { type: 'string', demandOption: true, describe: 'grant ledger (JSON Lines); created if missing' })
      .option('key', { type: 'string', demandOption: true, describe: 'private key (PEM) to sign with' })
      .option('key-id', { type: 'string', demandOption: true, describe: 'id of that key in the trust file' })
      .option('trust', { type: 'string', describe: 'trust file: refuse an entry it would ignore (and fill --role from it)' })
      .option('entry', { type: 'string', describe: 'the entry as a JSON file (instead of the flags below); - reads standard input' })
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
      .option('revokes', { type: 'string', describe: 'revoke: the grant id it revokes' })
      .option('note', { type: 'string', describe: 'free text' }) as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('data', 'ledger append');
      // The ledger and the key are files: the one is rewritten, the other is not piped by accident.
      refuseStdinFor({ ledger: argv.ledger, key: argv.key, trust: argv.trust }, 'ledger append reads it as a file');
      const draft = draftOf(argv, ctx.stdin);
      const { entry, hash } = await appendEntryFromFiles({
        ledgerPath: argv.ledger, draft, keyFile: argv.key, keyId: argv['key-id'], trustFile: argv.trust,
      });
      return { output: render({ appended: entry.id, seq: entry.seq, hash, ledger: argv.ledger, entry }, ctx.render), exitCode: EXIT.ok };
    }),
  };
}
