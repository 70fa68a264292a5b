import type { CommandModule } from 'yargs';
import { validateInputs } from '../../validate.js';
import { exitCodeForReport } from '../exit.js';
import { withInputs, type InputArgs } from '../options.js';
import { gateInputs, type Runner } from '../context.js';

export function validateCommand(run: Runner): CommandModule<object, InputArgs> {
  return {
    command: 'validate',
    describe: 'check maps, ledger, trust and catalog; list every problem (exit 0 clean, 3 problems)',
    builder: (y) => withInputs(y, 'report') as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('report', 'validate');
      const report = validateInputs(gateInputs(ctx, argv), ctx.bundle);
      return { output: render(report, ctx.render), exitCode: exitCodeForReport(report.valid) };
    }),
  };
}
