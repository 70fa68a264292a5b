// `ledger init`, `ledger import` and `ledger export`: making, filling and writing out a ledger
// wherever it is kept (a file or a PostgreSQL table, SPEC 7); each is one library call.
import type { CommandModule } from 'yargs';
import { exportLedger, importLedger, initLedger } from '../../ledger/store.js';
import { readInput } from '../../load/files.js';
import { EXIT } from '../exit.js';
import { withFormat } from '../options.js';
import type { Runner } from '../context.js';

const LEDGER = { type: 'string', demandOption: true, describe: 'grant ledger: a JSON Lines file or a postgresql://…?table=NAME URL' } as const;

export function ledgerInitCommand(run: Runner): CommandModule<object, { ledger: string; format: string }> {
  return {
    command: 'init',
    describe: 'create an empty ledger (a PostgreSQL table or a file); one already there is kept',
    builder: (y) => withFormat(y, 'data').option('ledger', LEDGER) as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('data', 'ledger init');
      return { output: render(await initLedger(argv.ledger), ctx.render), exitCode: EXIT.ok };
    }),
  };
}

export function ledgerImportCommand(run: Runner): CommandModule<object, { ledger: string; file: string; format: string }> {
  return {
    command: 'import <file>',
    describe: 'load a JSON Lines ledger file (- for standard input) into an empty ledger',
    builder: (y) => withFormat(y, 'data')
      .positional('file', { type: 'string', demandOption: true, describe: 'the JSON Lines ledger to load' })
      .option('ledger', LEDGER) as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('data', 'ledger import');
      // yargs reads a lone `-` positional as a flag without a name (an empty string here); it
      // means standard input (SPEC 1.1). An empty path names no file, so nothing else is lost.
      const file = typeof argv.file === 'string' && argv.file !== '' ? argv.file : '-';
      const { text, name } = readInput(file, 'ledger-schema', ctx.stdin);
      return { output: render(await importLedger(argv.ledger, text, name), ctx.render), exitCode: EXIT.ok };
    }),
  };
}

export function ledgerExportCommand(run: Runner): CommandModule<object, { ledger: string }> {
  return {
    command: 'export',
    describe: 'write the ledger as JSON Lines to standard output, byte for byte a file ledger',
    builder: (y) => y.option('ledger', LEDGER) as never,
    handler: (argv) => run(async () => ({ output: await exportLedger(argv.ledger), exitCode: EXIT.ok })),
  };
}
