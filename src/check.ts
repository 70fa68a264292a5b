// `check`: open a gate, decide one request, and, when asked, plan it and log the decision. A
// decision that cannot be logged is not given; inputs too invalid to open a gate are logged as
// the fail-closed answer they are.

import { BlockgateError, isInputError } from './errors.js';
import type { SealedBundle } from './engine/bundle.js';
import type { PrerequisitesMetAt } from './engine/results.js';
import { openGate, type Gate } from './gate/gate.js';
import type { BlockerInfo, Decision, GateOptions, Plan, Request, RequestEcho } from './gate/types.js';

export interface CheckOptions {
  /** Add the plan that would allow the request (`--explain-plan`). */
  explainPlan?: boolean;
  /** Append the decision to this hash-chained log (`--decision-log`). */
  decisionLog?: string;
  /** The id the logged decision carries (default: a fresh UUID): `exec` hands it to the command. */
  decisionId?: string;
  /** The command line the decision gates (`exec`), logged with it. */
  command?: readonly string[];
  /** Add the loaded blockers (their map lines), for the formats that point at them (github, sarif, junit). */
  blockers?: boolean;
}

/** `prerequisitesMetAt`: as in DecisionWithHead, for the text (SPEC 3's JSON is `decision`). */
export interface CheckAnswer { decision: Decision; plan?: Plan; blockers?: BlockerInfo[]; prerequisitesMetAt?: PrerequisitesMetAt }

/**
 * SPEC 3 `check` for one request over freshly loaded inputs. Rejects with the BlockgateError the
 * inputs or the request give; with a decision log, that error is logged first when it is an
 * input error about a well-formed request, and every decision is logged before it is returned.
 */
export async function checkRequest(options: GateOptions, request: Request, check: CheckOptions = {}, bundle?: SealedBundle): Promise<CheckAnswer> {
  const logFile = check.decisionLog;
  const gate = await openLogged(options, bundle, request, logFile, check);
  const decided = gate.decide(request);
  const plan = check.explainPlan === true ? gate.plan(request) : undefined;
  if (logFile !== undefined) {
    const { appendDecision, draftOfDecision } = await decisionLog();
    await appendDecision(logFile, withCommand(draftOfDecision(decided, undefined, check.decisionId), check.command));
  }
  const { decision } = decided;
  const answer: CheckAnswer = plan === undefined ? { decision } : { decision, plan };
  if (check.blockers === true) answer.blockers = gate.blockers;
  if (decided.prerequisitesMetAt !== undefined) answer.prerequisitesMetAt = decided.prerequisitesMetAt;
  return answer;
}

/** The decision log's code, loaded only when a log is asked for: check's start-up stays small. */
async function decisionLog() {
  const [writer, record] = await Promise.all([import('./decision-log/writer.js'), import('./decision-log/record.js')]);
  return { appendDecision: writer.appendDecision, draftOfDecision: record.draftOfDecision, draftOfError: record.draftOfError, requestEchoOf: record.requestEchoOf };
}

/** Opens the gate; when the inputs are invalid, that fail-closed answer is logged too. */
async function openLogged(options: GateOptions, bundle: SealedBundle | undefined, request: Request, logFile: string | undefined, check: CheckOptions): Promise<Gate> {
  try {
    return await openGate(options, bundle);
  } catch (e) {
    if (logFile === undefined) throw e;
    const { appendDecision, draftOfError, requestEchoOf } = await decisionLog();
    const echo = requestEcho(request, requestEchoOf);
    if (e instanceof BlockgateError && isInputError(e.code) && echo !== undefined) {
      await appendDecision(logFile, withCommand(draftOfError(echo, e, undefined, check.decisionId), check.command));
    }
    throw e;
  }
}

/** A log line with the command line it gated, when there is one. */
function withCommand<T extends object>(draft: T, command: readonly string[] | undefined): T {
  return command === undefined ? draft : { ...draft, command: [...command] };
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
