// Starting and stopping the decision server: load (fail fast on invalid inputs), listen, watch
// the inputs and reload on change; close stops watching, drains requests and flushes the log.

import { BlockgateError } from '../errors.js';
import { openGate } from '../gate/gate.js';
import type { GateOptions } from '../gate/types.js';
import type { SealedBundle } from '../engine/bundle.js';
import { formatTime } from '../schema/time.js';
import { DecisionLog } from '../decision-log/writer.js';
import { buildApp, DEFAULT_BODY_LIMIT } from './app.js';
import { LiveGate, type GateStatus } from '../live-gate.js';
import { fingerprint } from '../inputs/fingerprint.js';
import { watchInputs, type WatchOptions } from './watch.js';
import { followRemoteLedger } from '../ledger/store.js';

import { DEFAULT_HOST, DEFAULT_PORT } from './defaults.js';

export { DEFAULT_HOST, DEFAULT_PORT };

export interface ServeOptions extends WatchOptions {
  gate: GateOptions;
  /** A policy bundle readSealedBundle checked (the CLI's, read once); else read from gate.bundleDir. */
  bundle?: SealedBundle;
  /** Default 127.0.0.1: loopback only unless asked. */
  host?: string;
  /** Default 8181; 0 picks a free port. */
  port?: number;
  bodyLimit?: number;
  /** Append every decision to this hash-chained log. */
  decisionLog?: string;
  /** Reloads and failures, for the operator (the CLI writes them to stderr). */
  onEvent?: (event: ServerEvent) => void;
}

export type ServerEvent =
  | { type: 'reloaded'; at: string; ledgerHead: number | null }
  | { type: 'invalid'; at: string; code: string; message: string }
  | { type: 'internal-error'; at: string; message: string };

export interface RunningServer {
  /** http://host:port */
  url: string;
  host: string;
  port: number;
  live: LiveGate;
  /** Stops watching, finishes in-flight requests, flushes the decision log. Idempotent. */
  close(): Promise<void>;
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  // Taken before loading: a file that changes while the server starts is reloaded at once.
  const loadedFrom = fingerprint(opts.gate);
  const gate = await openGate(opts.gate, opts.bundle);
  const live = new LiveGate(opts.gate, gate);
  const decisionLog = opts.decisionLog === undefined ? undefined : await DecisionLog.open(opts.decisionLog);
  const emit = opts.onEvent ?? (() => undefined);
  const app = buildApp({
    live,
    decisionLog,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    onInternalError: (e) => emit({ type: 'internal-error', at: formatTime(Date.now()), message: e instanceof Error ? e.message : String(e) }),
  });

  const report = (status: GateStatus) => {
    const at = formatTime(Date.now());
    if (status.ready) emit({ type: 'reloaded', at, ledgerHead: status.gate.ledgerHead?.seq ?? null });
    else emit({ type: 'invalid', at, code: status.error.code, message: status.error.message });
  };
  const watchOptions: WatchOptions = { loadedFrom };
  if (opts.debounceMs !== undefined) watchOptions.debounceMs = opts.debounceMs;
  if (opts.pollMs !== undefined) watchOptions.pollMs = opts.pollMs;
  const watcher = watchInputs(opts.gate, () => report(live.reload()), watchOptions);
  // A ledger in a database is followed on its own; each change it hands on is loaded at once.
  const follower = followRemoteLedger(opts.gate.ledger, { name: gate.loaded.ledger.file, text: gate.loaded.ledgerText },
    (fetched) => report(live.reload(Date.now(), fetched)));

  const host = opts.host ?? DEFAULT_HOST;
  try {
    await app.listen({ host, port: opts.port ?? DEFAULT_PORT });
  } catch (e) {
    watcher.close();
    await follower?.close();
    await app.close();
    const why = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    throw new BlockgateError('io', `cannot listen on ${host}:${opts.port ?? DEFAULT_PORT}: ${why}`);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (opts.port ?? DEFAULT_PORT);
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    live,
    close() {
      closing ??= (async () => {
        watcher.close();
        await follower?.close();
        await app.close();
        await decisionLog?.close();
      })();
      return closing;
    },
  };
}
