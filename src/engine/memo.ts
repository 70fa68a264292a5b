// Memoised decisions. The policy reads `at` only by comparing it with ledger times (issued_at,
// expires_at, a revoke's issued_at), so between two such breakpoints, and at each one, every
// answer for the same request is the same: one evaluation serves the whole interval.

import type { World } from './world.js';
import type { PolicyRequest } from './engine.js';

/** The sorted distinct ledger times the policy compares `at` with. */
export function timeBreakpoints(world: World): Float64Array {
  const times = new Set<number>();
  for (const grant of Object.values(world.grants)) {
    times.add(grant.issued_at);
    if (grant.expires_at !== undefined) times.add(grant.expires_at);
  }
  for (const revokes of Object.values(world.revokes_by_grant)) for (const r of revokes) times.add(r.issued_at);
  return Float64Array.from(times).sort();
}

/** 2i+1 when `at` equals breakpoint i; 2i when it lies between breakpoints i-1 and i. */
export function timeClass(breakpoints: Float64Array, at: number): number {
  let lo = 0;
  let hi = breakpoints.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (breakpoints[mid]! < at) lo = mid + 1;
    else hi = mid;
  }
  return lo < breakpoints.length && breakpoints[lo] === at ? 2 * lo + 1 : 2 * lo;
}

const MAX_ENTRIES = 4096;

export class DecisionMemo<T> {
  private readonly cache = new Map<string, T>();

  constructor(private readonly breakpoints: Float64Array) {}

  /**
   * One key per distinct request: a JSON array quotes every part, so no name can contain the
   * separator of another (names joined by U+0000 collided, and served one cell's answer for another).
   */
  key(entrypoint: string, request: PolicyRequest): string {
    return JSON.stringify([entrypoint, request.action, request.environment, request.target ?? null, timeClass(this.breakpoints, request.at)]);
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  set(key: string, value: T): void {
    // Bounded: a flood of distinct requests must not grow memory without limit.
    if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
    this.cache.set(key, value);
  }
}

/** Answers shared between callers are frozen, so no caller can alter another's. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
