import type { CommandModule } from 'yargs';
import { validateInputs } from '../../validate.js';
import { strictReport } from '../../findings.js';
import { exitCodeForReport } from '../exit.js';
import { withInputs, type InputArgs } from '../options.js';
import { gateInputs, type Runner } from '../context.js';

export function validateCommand(run: Runner): CommandModule<object, InputArgs & { strict: boolean }> {
  return {
    command: 'validate',
    describe: 'check maps, ledger, trust and catalog; list every problem (exit 0 clean, 3 problems)',
    builder: (y) => withInputs(y, 'report')
      .option('strict', { type: 'boolean', default: false, describe: 'a warning is a problem too: exit 3 when there is any' }) as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('report', 'validate');
      const checked = await validateInputs(gateInputs(ctx, argv), ctx.bundle);
      const report = argv.strict ? strictReport(checked) : checked;
      return { output: render(report, ctx.render), exitCode: exitCodeForReport(report.valid) };
    }),
  };
}
