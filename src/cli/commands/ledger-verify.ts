import type { CommandModule } from 'yargs';
import { verifyLedger } from '../../ledger/verify.js';
import { exitCodeForReport } from '../exit.js';
import { withFormat } from '../options.js';
import type { Runner } from '../context.js';

interface Args { ledger: string; trust: string; format: string }

export function ledgerVerifyCommand(run: Runner): CommandModule<object, Args> {
  return {
    command: 'verify',
    describe: 'verify a ledger: integrity and every signature (exit 0 clean, 3 problems)',
    builder: (y) => withFormat(y, 'report')
      .option('ledger', { type: 'string', demandOption: true, describe: 'grant ledger: a JSON Lines file or a postgresql:// URL' })
      .option('trust', { type: 'string', demandOption: true, describe: 'trust file of signing keys' }) as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('report', 'ledger verify');
      const report = await verifyLedger(argv.ledger, argv.trust);
      return { output: render(report, ctx.render), exitCode: exitCodeForReport(report.valid) };
    }),
  };
}
