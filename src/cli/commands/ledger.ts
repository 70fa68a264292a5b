import type { CommandModule } from 'yargs';
import type { Runner } from '../context.js';
import { ledgerKeygenCommand } from './ledger-keygen.js';
import { ledgerAppendCommand } from './ledger-append.js';
import { ledgerVerifyCommand } from './ledger-verify.js';
import { ledgerHeadCommand } from './ledger-head.js';
import { ledgerExportCommand, ledgerImportCommand, ledgerInitCommand } from './ledger-store.js';

export function ledgerCommand(run: Runner): CommandModule {
  return {
    command: 'ledger <command>',
    describe: 'make keys; sign, chain and append entries; verify a ledger; print its head; init, import, export',
    builder: (y) => y
      .command(ledgerKeygenCommand(run))
      .command(ledgerAppendCommand(run))
      .command(ledgerVerifyCommand(run))
      .command(ledgerHeadCommand(run))
      .command(ledgerInitCommand(run))
      .command(ledgerImportCommand(run))
      .command(ledgerExportCommand(run))
      .demandCommand(1, 'give a ledger command: keygen, append, verify, head, init, import or export'),
    handler: () => undefined,
  };
}
