import type { CommandModule } from 'yargs';
import { checkRequest } from '../../check.js';
import { exitCodeForDecision } from '../exit.js';
import {
  requestOf, withDecisionLog, withInputs, withRequest, type DecisionLogArgs, type InputArgs, type RequestArgs,
} from '../options.js';
import { gateInputs, refuseStdinFor, type Runner } from '../context.js';

type Args = InputArgs & RequestArgs & DecisionLogArgs & { 'explain-plan': boolean };

export function checkCommand(run: Runner): CommandModule<object, Args> {
  return {
    command: 'check',
    describe: 'decide one request: exit 0 allowed, 2 denied',
    builder: (y) => withDecisionLog(withRequest(withInputs(y, 'check')))
      .option('explain-plan', { type: 'boolean', default: false, describe: 'add the plan that would allow a denied request' }) as never,
    handler: (argv) => run(async (ctx) => {
      const check = ctx.need('check', 'check');
      const request = requestOf(argv);
      const logFile = argv['decision-log'];
      refuseStdinFor({ 'decision-log': logFile }, 'the decision log is written to');
      const answer = await checkRequest(gateInputs(ctx, argv), request, { decisionLog: logFile, explainPlan: argv['explain-plan'] }, ctx.bundle);
      return { output: check(answer, ctx.render), exitCode: exitCodeForDecision(answer.decision.allowed) };
    }),
  };
}
