import type { CommandModule } from 'yargs';
import { checkRequest } from '../../check.js';
import { BlockgateError } from '../../errors.js';
import { exitCodeForDecision } from '../exit.js';
import {
  requestOf, withDecisionLog, withInputs, withRequest, type DecisionLogArgs, type InputArgs, type RequestArgs,
} from '../options.js';
import { gateInputs, refuseStdinFor, type Runner } from '../context.js';

type Args = InputArgs & RequestArgs & DecisionLogArgs & { 'explain-plan': boolean; quiet: boolean };

export function checkCommand(run: Runner): CommandModule<object, Args> {
  return {
    command: 'check',
    describe: 'decide one request: exit 0 allowed, 2 denied',
    builder: (y) => withDecisionLog(withRequest(withInputs(y, 'check')))
      .option('explain-plan', { type: 'boolean', default: false, describe: 'add the plan that would allow a denied request' })
      .option('quiet', { type: 'boolean', default: false, describe: 'print only the verdict line (text format); the exit code says the rest' }) as never,
    handler: (argv) => run(async (ctx) => {
      const check = ctx.need('check', 'check');
      if (argv.quiet && ctx.renderer.format !== 'text') throw new BlockgateError('usage', `--quiet prints the text verdict line; it does not go with --format ${ctx.renderer.format}`);
      if (argv.quiet && argv['explain-plan']) throw new BlockgateError('usage', '--quiet prints only the verdict line; it does not go with --explain-plan');
      const request = requestOf(argv);
      const logFile = argv['decision-log'];
      refuseStdinFor({ 'decision-log': logFile }, 'the decision log is written to');
      const answer = await checkRequest(gateInputs(ctx, argv), request, { decisionLog: logFile, explainPlan: argv['explain-plan'], blockers: true }, ctx.bundle);
      const text = check(answer, ctx.render);
      // The verdict is the text rendering's first line: ALLOWED or DENIED and the request.
      return { output: argv.quiet ? `${text.split('\n')[0]}\n` : text, exitCode: exitCodeForDecision(answer.decision.allowed) };
    }),
  };
}
