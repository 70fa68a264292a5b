// The BlockgateError a call throws; anything else thrown (or nothing) fails the test.
import { BlockgateError } from '../../src/errors.js';

export function thrown(fn: () => unknown): BlockgateError {
  try {
    fn();
  } catch (e) {
    if (e instanceof BlockgateError) return e;
    throw e;
  }
  throw new Error('expected a BlockgateError, but nothing was thrown');
}

/** The BlockgateError a promise rejects with; anything else (or resolving) fails the test. */
export async function rejection(p: Promise<unknown>): Promise<BlockgateError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BlockgateError) return e;
    throw e;
  }
  throw new Error('expected a BlockgateError, but the promise resolved');
}
