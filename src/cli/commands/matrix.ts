import type { CommandModule } from 'yargs';
import { openGate } from '../../gate.js';
import { EXIT } from '../exit.js';
import { gateOptions, withAt, withInputs, type InputArgs } from '../options.js';
import type { CommandContext, Outcome } from '../context.js';

type Args = InputArgs & { at?: string };

export function matrixCommand(run: (fn: (ctx: CommandContext) => Promise<Outcome>) => Promise<void>): CommandModule<object, Args> {
  return {
    command: 'matrix',
    describe: 'decide every catalog action × environment',
    builder: (y) => withAt(withInputs(y)) as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('matrix', 'matrix');
      const gate = await openGate(gateOptions(argv));
      return { output: render(gate.matrix(argv.at), ctx.render), exitCode: EXIT.ok };
    }),
  };
}
