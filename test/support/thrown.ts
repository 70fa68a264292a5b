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
