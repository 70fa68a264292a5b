import type { CommandModule } from 'yargs';
import { BlockgateError, isInputError } from '../../errors.js';
import { openGate, type Gate } from '../../gate/gate.js';
import type { GateOptions, Request, RequestEcho } from '../../gate/types.js';
import type { SealedBundle } from '../../engine/bundle.js';
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
      const gate = await openLogged(gateInputs(ctx, argv), ctx.bundle, request, logFile);
      const decided = gate.decide(request);
      const plan = argv['explain-plan'] ? gate.plan(request) : undefined;
      // Logged before it is shown: a decision that cannot be logged is not given.
      if (logFile !== undefined) {
        const { appendDecision, draftOfDecision } = await decisionLog();
        await appendDecision(logFile, draftOfDecision(decided));
      }
      const { decision } = decided;
      return { output: check(plan === undefined ? { decision } : { decision, plan }, ctx.render), exitCode: exitCodeForDecision(decision.allowed) };
    }),
  };
}

/** The decision log's code, loaded only when a log is asked for: check's start-up stays small. */
async function decisionLog() {
  const [writer, record] = await Promise.all([import('../../decision-log/writer.js'), import('../../decision-log/record.js')]);
  return { appendDecision: writer.appendDecision, draftOfDecision: record.draftOfDecision, draftOfError: record.draftOfError, requestEchoOf: record.requestEchoOf };
}

/** Opens the gate; when the inputs are invalid, that fail-closed answer is logged too. */
async function openLogged(options: GateOptions, bundle: SealedBundle, request: Request, logFile: string | undefined): Promise<Gate> {
  try {
    return await openGate(options, bundle);
  } catch (e) {
    if (logFile === undefined) throw e;
    const { appendDecision, draftOfError, requestEchoOf } = await decisionLog();
    const echo = requestEcho(request, requestEchoOf);
    if (e instanceof BlockgateError && isInputError(e.code) && echo !== undefined) {
      await appendDecision(logFile, draftOfError(echo, e));
    }
    throw e;
  }
}

/** The request as a log line records it, or undefined when the request itself is malformed. */
function requestEcho(request: Request, echoOf: (r: Request) => RequestEcho): RequestEcho | undefined {
  if (request.action === '' || request.environment === '') return undefined;
  try {
    return echoOf(request);
  } catch {
    return undefined;
  }
}
