import type { CommandModule } from 'yargs';
import { execGated } from '../../exec/gated.js';
import { EXIT } from '../exit.js';
import {
  requestOf, withDecisionLog, withInputs, withRequest, type DecisionLogArgs, type InputArgs, type RequestArgs,
} from '../options.js';
import { gateInputs, refuseStdinFor, type Runner } from '../context.js';

type Args = InputArgs & RequestArgs & DecisionLogArgs;

/** `exec`: the tokens after `--` are the command line, handed over as they are (never parsed). */
export function execCommand(run: Runner, commandLine: readonly string[]): CommandModule<object, Args> {
  return {
    command: 'exec',
    describe: 'decide a request; only if it is allowed, run the command after -- and exit with its status (denied: 2, not run)',
    builder: (y) => withDecisionLog(withRequest(withInputs(y, 'check'))) as never,
    handler: (argv) => run(async (ctx) => {
      const check = ctx.need('check', 'exec');
      const logFile = argv['decision-log'];
      refuseStdinFor({ 'decision-log': logFile }, 'the decision log is written to');
      const outcome = await execGated(gateInputs(ctx, argv), requestOf(argv), {
        command: commandLine, env: ctx.io.env, bundle: ctx.bundle, ...(logFile === undefined ? {} : { decisionLog: logFile }),
      });
      // Denied: the denial, as `check` prints it, and the command never ran.
      if (!outcome.ran) return { output: check(outcome, ctx.render), exitCode: EXIT.denied };
      const { end } = outcome;
      // Allowed: stdout and stderr are the command's; blockgate speaks only when it could not start it.
      if (!end.started) ctx.io.stderr(`blockgate exec: ${end.message}\n`);
      return { output: '', exitCode: end.exitCode };
    }),
  };
}
