import type { Argv, CommandModule } from 'yargs';
import { openGate } from '../../gate/gate.js';
import type { MatrixOptions } from '../../gate/types.js';
import { EXIT } from '../exit.js';
import { withAt, withInputs, type InputArgs } from '../options.js';
import { gateInputs, withProgress, type Runner } from '../context.js';

export interface CellArgs { at?: string; target?: string; action?: string[]; env?: string[] }

type Args = InputArgs & CellArgs;

/** SPEC 3: `matrix` and `what-if` decide every cell for --target, in the rows of the --action/--env given. */
export function withCells<T>(y: Argv<T>) {
  return withAt(y)
    .option('target', { type: 'string', describe: 'decide every cell for this target (default: none)' })
    .option('action', { type: 'string', array: true, describe: 'only this catalog action (repeatable; default: every one)' })
    .option('env', { type: 'string', array: true, describe: 'only this catalog environment (repeatable; default: every one)' });
}

/** The library's matrix options from those flags; unknown names are the library's unknown-action/-environment. */
export function cellOptions(argv: CellArgs): MatrixOptions {
  const options: MatrixOptions = {};
  if (argv.at !== undefined) options.at = argv.at;
  if (argv.target !== undefined) options.target = argv.target;
  if (argv.action !== undefined) options.actions = argv.action;
  if (argv.env !== undefined) options.environments = argv.env;
  return options;
}

export function matrixCommand(run: Runner): CommandModule<object, Args> {
  return {
    command: 'matrix',
    describe: 'decide every catalog action × environment (or those of --action/--env), for --target',
    builder: (y) => withCells(withInputs(y, 'matrix')) as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('matrix', 'matrix');
      const gate = await openGate(gateInputs(ctx, argv), ctx.bundle);
      const readiness = withProgress(ctx.io, (onProgress) => gate.readiness(cellOptions(argv), onProgress));
      return { output: render(readiness, ctx.render), exitCode: EXIT.ok };
    }),
  };
}
