import type { CommandModule } from 'yargs';
import { generateKeyFiles } from '../../ledger/keygen.js';
import { EXIT } from '../exit.js';
import { withFormat } from '../options.js';
import { refuseStdinFor, type Runner } from '../context.js';

interface Args { id: string; role: string; out: string; trust?: string; format: string }

export function ledgerKeygenCommand(run: Runner): CommandModule<object, Args> {
  return {
    command: 'keygen',
    describe: 'make an Ed25519 key pair (private key file mode 0600) and optionally trust it',
    builder: (y) => withFormat(y, 'data')
      .option('id', { type: 'string', demandOption: true, describe: 'key id, e.g. owner-1' })
      .option('role', { type: 'string', demandOption: true, describe: 'role, e.g. owner' })
      .option('out', { type: 'string', demandOption: true, describe: 'private key file to create; the public key goes to FILE.pub' })
      .option('trust', { type: 'string', describe: 'trust file to add the public key to (created if missing)' }) as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('data', 'ledger keygen');
      refuseStdinFor({ out: argv.out, trust: argv.trust }, 'ledger keygen writes it');
      const made = await generateKeyFiles({ id: argv.id, role: argv.role, out: argv.out, trust: argv.trust });
      return { output: render(made, ctx.render), exitCode: EXIT.ok };
    }),
  };
}
