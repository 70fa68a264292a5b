import type { CommandModule } from 'yargs';
import { parseLedgerText } from '../../ledger/ledger.js';
import { parseTrustText } from '../../ledger/keys.js';
import { readInput } from '../../load/files.js';
import { formatHead } from '../../ledger/head.js';
import { EXIT } from '../exit.js';
import { withFormat } from '../options.js';
import { stdinAtMostOnce, type Runner } from '../context.js';

interface Args { ledger: string; trust?: string; format: string }

export function ledgerHeadCommand(run: Runner): CommandModule<object, Args> {
  return {
    command: 'head',
    describe: 'print the ledger head SEQ:HASH, to pin with --ledger-head',
    builder: (y) => withFormat(y, 'data')
      .option('ledger', { type: 'string', demandOption: true, describe: 'grant ledger (JSON Lines); - reads standard input' })
      .option('trust', { type: 'string', describe: 'trust file (the chain is checked either way)' }) as never,
    handler: (argv) => run(async (ctx) => {
      stdinAtMostOnce({ ledger: argv.ledger, trust: argv.trust });
      const trustInput = argv.trust !== undefined ? readInput(argv.trust, 'trust-parse', ctx.stdin) : undefined;
      const trust = trustInput !== undefined ? parseTrustText(trustInput.text, trustInput.name) : null;
      // The chain is what the head vouches for: verify it whole before printing its end.
      const { text, name } = readInput(argv.ledger, 'ledger-schema', ctx.stdin);
      const ledger = parseLedgerText(text, name, trust, { verify: trust !== null });
      const head = formatHead(ledger.head);
      const output = ctx.renderer.format === 'text'
        ? `${head}\n`
        : ctx.need('data', 'ledger head')({ head, seq: ledger.head?.seq ?? 0, hash: ledger.head?.hash ?? '0'.repeat(64), entries: ledger.entries.length }, ctx.render);
      return { output, exitCode: EXIT.ok };
    }),
  };
}
