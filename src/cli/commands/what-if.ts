import type { CommandModule } from 'yargs';
import { openGate } from '../../gate/gate.js';
import type { WhatIfOptions } from '../../gate/types.js';
import { EXIT } from '../exit.js';
import { withInputs, type InputArgs } from '../options.js';
import { gateInputs, type Runner } from '../context.js';
import { cellOptions, withCells, type CellArgs } from './matrix.js';

type Args = InputArgs & CellArgs & { add?: string; revoke?: string[] };

export function whatIfCommand(run: Runner): CommandModule<object, Args> {
  return {
    command: 'what-if',
    describe: 'the matrix before and after hypothetical grants (--add) and revokes (--revoke)',
    builder: (y) => withCells(withInputs(y, 'whatIf'))
      .option('add', { type: 'string', describe: 'JSON Lines of hypothetical grants and revokes (with role; no seq, key, prev, sig)' })
      .option('revoke', { type: 'string', array: true, describe: 'grant id to revoke hypothetically (repeatable)' }) as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('whatIf', 'what-if');
      const gate = await openGate(gateInputs(ctx, argv, { add: argv.add }), ctx.bundle);
      const options: WhatIfOptions = { ...cellOptions(argv), revoke: argv.revoke ?? [] };
      if (argv.add !== undefined) options.add = argv.add;
      return { output: render(gate.whatIfReadiness(options), ctx.render), exitCode: EXIT.ok };
    }),
  };
}
