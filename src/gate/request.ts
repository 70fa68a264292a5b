// A request as the policy takes it: its shape checked, its names known to the catalog, its time
// an integer instant. Nothing is decided here.

import { BlockgateError } from '../errors.js';
import type { Catalog } from '../inputs/catalog.js';
import { EARLIEST_TIME, LATEST_TIME, formatTime, isInstant, parseTime } from '../schema/time.js';
import { quoted } from '../quote.js';
import type { PolicyRequest } from '../engine/engine.js';
import { checkedRequest, describeValue } from './options.js';
import type { Request } from './types.js';

const TIME_RANGE = `between ${formatTime(EARLIEST_TIME)} and ${formatTime(LATEST_TIME)}`;

/**
 * Epoch milliseconds of a request time (RFC 3339 text, a Date or epoch milliseconds) within the
 * years 0000-9999 in UTC; now when absent. Anything else is bad-time.
 */
export function resolveTime(at: unknown, what = '--at'): number {
  if (at === undefined) return Date.now();
  if (typeof at === 'string') {
    const ms = parseTime(at);
    if (ms !== undefined) return ms;
    throw new BlockgateError('bad-time', `${what}: ${quoted(at)} is not an RFC 3339 time with a time zone (e.g. 2026-11-20T10:00:00Z) ${TIME_RANGE}`);
  }
  if (typeof at === 'number' || at instanceof Date) {
    const ms = typeof at === 'number' ? at : at.getTime();
    if (isInstant(ms)) return ms;
    const given = typeof at === 'number' ? `${String(at)} ms since the epoch` : 'the Date given';
    throw new BlockgateError('bad-time', `${what}: ${given} is not a whole millisecond ${TIME_RANGE}`);
  }
  throw new BlockgateError('bad-time', `${what} must be RFC 3339 text, a Date or epoch milliseconds, not ${describeValue(at)}`);
}

function known(names: Record<string, unknown>): string {
  return Object.keys(names).sort().join(', ');
}

/** unknown-action, listing the known ones, unless the catalog has this action. */
export function requireAction(catalog: Catalog, action: string, catalogFile: string | undefined): void {
  if (!Object.hasOwn(catalog.actions, action)) {
    throw new BlockgateError('unknown-action', `unknown action '${action}'; ${catalogFile ?? 'the built-in catalog'} has: ${known(catalog.actions)}`);
  }
}

/** unknown-environment, listing the known ones, unless the catalog has this environment. */
export function requireEnvironment(catalog: Catalog, environment: string, catalogFile: string | undefined): void {
  if (!Object.hasOwn(catalog.environments, environment)) {
    throw new BlockgateError('unknown-environment', `unknown environment '${environment}'; ${catalogFile ?? 'the built-in catalog'} has: ${known(catalog.environments)}`);
  }
}

/**
 * Checks a request's shape (bad-request) and names against the catalog; unknown names are input
 * errors listing the known ones.
 */
export function resolveRequest(catalog: Catalog, request: Request, catalogFile?: string): PolicyRequest {
  const checked = checkedRequest(request);
  requireAction(catalog, checked.action, catalogFile);
  requireEnvironment(catalog, checked.environment, catalogFile);
  const input: PolicyRequest = { action: checked.action, environment: checked.environment, at: resolveTime(checked.at) };
  if (checked.target !== undefined && checked.target !== null) input.target = checked.target;
  return input;
}
