import type { CommandModule } from 'yargs';
import { openGate } from '../../gate.js';
import { exitCodeForDecision } from '../exit.js';
import { gateOptions, requestOf, withInputs, withRequest, type InputArgs, type RequestArgs } from '../options.js';
import type { CommandContext, Outcome } from '../context.js';

type Args = InputArgs & RequestArgs & { 'explain-plan': boolean };

export function checkCommand(run: (fn: (ctx: CommandContext) => Promise<Outcome>) => Promise<void>): CommandModule<object, Args> {
  return {
    command: 'check',
    describe: 'decide one request: exit 0 allowed, 2 denied',
    builder: (y) => withRequest(withInputs(y))
      .option('explain-plan', { type: 'boolean', default: false, describe: 'add the plan that would allow a denied request' }) as never,
    handler: (argv) => run(async (ctx) => {
      const check = ctx.need('check', 'check');
      const gate = await openGate(gateOptions(argv));
      const request = requestOf(argv);
      const decision = gate.check(request);
      const plan = argv['explain-plan'] ? gate.plan(request) : undefined;
      return { output: check(plan === undefined ? { decision } : { decision, plan }, ctx.render), exitCode: exitCodeForDecision(decision.allowed) };
    }),
  };
}
