// Memoised decisions. The policy names the instants at which its answers can change with `at`
// (its `breakpoints` entrypoint, evaluated once per world): at each one, and between two
// neighbours, every answer to the same request is the same, so one evaluation serves the whole
// interval. The host knows nothing of which times the policy compares `at` with.

import { BlockgateError } from '../errors.js';
import type { PolicyRequest } from './engine.js';

/**
 * The policy's breakpoints (a set, so in no order) sorted numerically for the memo's binary
 * search. Anything but finite numbers is refused: a memo keyed on a wrong set would serve one
 * instant's answer at another.
 */
export function sortedBreakpoints(points: unknown): Float64Array {
  if (!Array.isArray(points) || !points.every((p): p is number => typeof p === 'number' && Number.isFinite(p))) {
    throw new BlockgateError('internal', 'the policy gave malformed breakpoints (not a list of instants)');
  }
  // A typed array sorts by numeric value (a plain array's default sort compares strings).
  return Float64Array.from(points).sort();
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
