// The gate a long-running server decides with: re-loaded in full when its files change, and
// swapped in by one assignment, so a decision sees the old state or the new one, never a mix.
// While the files on disk are invalid, the status says so and every answer fails closed.

import { BlockgateError } from '../errors.js';
import { Gate, loadState, type GateOptions } from '../gate.js';

export type GateStatus =
  | { ready: true; gate: Gate; since: number }
  | { ready: false; error: BlockgateError; since: number };

export class LiveGate {
  private current: GateStatus;

  constructor(readonly options: GateOptions, gate: Gate, now: number = Date.now()) {
    this.current = { ready: true, gate, since: now };
  }

  /** Read once per request, then used throughout it. */
  get status(): GateStatus {
    return this.current;
  }

  /**
   * Loads every input again (read, validated, verified, a new policy instance) and only then
   * replaces the status. Synchronous: nothing can observe a load half done.
   */
  reload(now: number = Date.now()): GateStatus {
    let next: GateStatus;
    try {
      next = { ready: true, gate: new Gate(loadState(this.options)), since: now };
    } catch (e) {
      const error = e instanceof BlockgateError ? e : new BlockgateError('internal', `internal error: ${e instanceof Error ? e.message : String(e)}`);
      // The time it went bad, not the time of the latest failed retry.
      next = { ready: false, error, since: this.current.ready ? now : this.current.since };
    }
    this.current = next;
    return next;
  }
}
