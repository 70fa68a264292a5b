import type { CommandModule } from 'yargs';
import { openGate } from '../../gate.js';
import { EXIT } from '../exit.js';
import { gateOptions, requestOf, withInputs, withRequest, type InputArgs, type RequestArgs } from '../options.js';
import type { CommandContext, Outcome } from '../context.js';

type Args = InputArgs & RequestArgs;

export function planCommand(run: (fn: (ctx: CommandContext) => Promise<Outcome>) => Promise<void>): CommandModule<object, Args> {
  return {
    command: 'plan',
    describe: 'the fewest new grants that would allow a request',
    builder: (y) => withRequest(withInputs(y)) as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('plan', 'plan');
      const gate = await openGate(gateOptions(argv));
      return { output: render(gate.plan(requestOf(argv)), ctx.render), exitCode: EXIT.ok };
    }),
  };
}
