import type { CommandModule } from 'yargs';
import { readHead } from '../../ledger/head.js';
import { EXIT } from '../exit.js';
import { withFormat } from '../options.js';
import { stdinAtMostOnce, type Runner } from '../context.js';

interface Args { ledger: string; trust?: string; format: string }

export function ledgerHeadCommand(run: Runner): CommandModule<object, Args> {
  return {
    command: 'head',
    describe: 'print the ledger head SEQ:HASH, to pin with --ledger-head',
    builder: (y) => withFormat(y, 'data')
      .option('ledger', { type: 'string', demandOption: true, describe: 'grant ledger: a JSON Lines file (- reads standard input) or a postgresql:// URL' })
      .option('trust', { type: 'string', describe: 'trust file (the chain is checked either way)' }) as never,
    handler: (argv) => run(async (ctx) => {
      stdinAtMostOnce({ ledger: argv.ledger, trust: argv.trust });
      const report = await readHead({ ledger: argv.ledger, trust: argv.trust, stdin: ctx.stdin });
      const output = ctx.renderer.format === 'text' ? `${report.head}\n` : ctx.need('data', 'ledger head')(report, ctx.render);
      return { output, exitCode: EXIT.ok };
    }),
  };
}
