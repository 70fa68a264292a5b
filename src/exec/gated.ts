// `blockgate exec` as one library call: decide the request (logged with the command line when a
// decision log is kept), and only when it is allowed run the command, with the decision's id and
// the policy revision in its environment. Invalid inputs reject before anything runs.

import { randomUUID } from 'node:crypto';
import { BlockgateError } from '../errors.js';
import { checkRequest } from '../check.js';
import type { SealedBundle } from '../engine/bundle.js';
import type { PrerequisitesMetAt } from '../engine/results.js';
import type { Decision, GateOptions, Request } from '../gate/types.js';
import { runCommandLine, type CommandEnd, type SignalSource } from './run.js';

export const DECISION_ID_ENV = 'BLOCKGATE_DECISION_ID';
export const POLICY_REVISION_ENV = 'BLOCKGATE_POLICY_REVISION';

export interface GatedCommand {
  /** The program and its arguments, run without a shell. */
  command: readonly string[];
  /** The environment the command starts from (the decision's id and revision are added). */
  env: Record<string, string | undefined>;
  decisionLog?: string;
  bundle?: SealedBundle;
  /** Whose signals are passed on (default: this process). */
  signals?: SignalSource;
}

export type GatedOutcome =
  | { ran: false; decision: Decision; decisionId: string; prerequisitesMetAt?: PrerequisitesMetAt }
  | { ran: true; decision: Decision; decisionId: string; end: CommandEnd };

/** Decides `request`; runs the command only when it is allowed. */
export async function execGated(options: GateOptions, request: Request, gated: GatedCommand): Promise<GatedOutcome> {
  const [file, ...args] = gated.command;
  if (file === undefined || file === '') {
    throw new BlockgateError('usage', 'give the command to run after --, e.g. `blockgate exec --action apply --env production -- terraform apply`');
  }
  const decisionId = randomUUID();
  const check = { decisionId, command: gated.command, ...(gated.decisionLog === undefined ? {} : { decisionLog: gated.decisionLog }) };
  const { decision, prerequisitesMetAt } = await checkRequest(options, request, check, gated.bundle);
  if (decision.allowed !== true) return prerequisitesMetAt === undefined ? { ran: false, decision, decisionId } : { ran: false, decision, decisionId, prerequisitesMetAt };
  const env = { ...gated.env, [DECISION_ID_ENV]: decisionId, [POLICY_REVISION_ENV]: decision.policy.revision };
  const end = await runCommandLine({ file, args, env }, gated.signals);
  return { ran: true, decision, decisionId, end };
}
