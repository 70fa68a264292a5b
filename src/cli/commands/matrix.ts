import type { CommandModule } from 'yargs';
import { openGate } from '../../gate/gate.js';
import { EXIT } from '../exit.js';
import { withAt, withInputs, type InputArgs } from '../options.js';
import { gateInputs, withProgress, type Runner } from '../context.js';

type Args = InputArgs & { at?: string };

export function matrixCommand(run: Runner): CommandModule<object, Args> {
  return {
    command: 'matrix',
    describe: 'decide every catalog action × environment',
    builder: (y) => withAt(withInputs(y, 'matrix')) as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('matrix', 'matrix');
      const gate = await openGate(gateInputs(ctx, argv), ctx.bundle);
      const readiness = withProgress(ctx.io, (onProgress) => gate.readiness(argv.at, onProgress));
      return { output: render(readiness, ctx.render), exitCode: EXIT.ok };
    }),
  };
}
