// What a command needs from its surroundings: where output goes and how it should look.

import { BlockgateError } from '../errors.js';
import { readProcessStdin, singleUse, STDIN_PATH, type StdinReader } from '../load/files.js';
import type { MapSourceOptions } from '../inputs/maps.js';
import type { GateOptions } from '../gate/types.js';
import type { SealedBundle } from '../engine/bundle.js';
import { gateOptions, type InputArgs } from './options.js';
import { formatRenderer, type Renderer, type RenderContext } from '../render/index.js';
import { progressLine } from '../render/progress.js';
import type { ProgressListener } from '../gate/types.js';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stdout is a terminal (colour). */
  isTTY: boolean;
  /** Whether stderr is a terminal (progress lines). */
  stderrIsTTY: boolean;
  env: Record<string, string | undefined>;
  columns: number | undefined;
  /** Standard input, for a path given as `-`; absent: there is none to read. Read at most once. */
  stdin?: StdinReader;
}

export function processIO(): CliIO {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
    columns: process.stdout.columns,
    stdin: readProcessStdin,
  };
}

export function renderContext(io: CliIO): RenderContext {
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  // Some pseudo-terminals report 0 columns: that means unknown, not zero.
  const columns = io.columns !== undefined && io.columns > 0 ? io.columns : 80;
  return { color: io.isTTY && !noColor && io.env.TERM !== 'dumb', width: Math.min(columns, 100) };
}

/**
 * Runs a long library call with a progress line on stderr, only when stderr is a terminal (and
 * TERM is not dumb); the line is cleared before anything else is printed.
 */
export function withProgress<T>(io: CliIO, call: (onProgress: ProgressListener) => T): T {
  const progress = progressLine({ write: (t) => io.stderr(t), enabled: io.stderrIsTTY && io.env.TERM !== 'dumb' });
  try {
    return call((phase, done, total) => progress.update(phase, done, total));
  } finally {
    progress.end();
  }
}

/** Runs a command's body: renders its error, if any, and keeps its outcome. */
export type Runner = (fn: (ctx: CommandContext) => Promise<Outcome>) => Promise<void>;

/** A command's outcome: what to print on stdout and the exit code. */
export interface Outcome {
  output: string;
  exitCode: number;
}

export class CommandContext {
  readonly renderer: Renderer;
  readonly render: RenderContext;
  /** Standard input for this one command: a second `-` is a usage error, not an empty read. */
  readonly stdin: StdinReader | undefined;

  /** The policy bundle, read and checked once for this run: every gate of the command decides with it. */
  constructor(readonly io: CliIO, format: string, readonly bundle: SealedBundle) {
    this.renderer = formatRenderer(format);
    // The seal's rules: what a format shows of a rule beyond its denial (SARIF's descriptions).
    this.render = { ...renderContext(io), rules: bundle.seal.rules };
    this.stdin = io.stdin === undefined ? undefined : singleUse(io.stdin);
  }

  /** Library options with this command's standard input, for the paths given as `-`. */
  withStdin<T extends object>(options: T): T & MapSourceOptions {
    return this.stdin === undefined ? options : { ...options, stdin: this.stdin };
  }

  /** The renderer's method for this result, or a usage error naming the formats that have one. */
  need<K extends keyof Renderer>(method: K, what: string): NonNullable<Renderer[K]> {
    const fn = this.renderer[method];
    if (typeof fn !== 'function') {
      throw new BlockgateError('usage', `--format ${this.renderer.format} is not available for ${what}`);
    }
    return fn as NonNullable<Renderer[K]>;
  }
}

/** `-` names standard input at most once among a command's path flags: it can be read only once. */
export function stdinAtMostOnce(flags: Record<string, string | readonly string[] | undefined>): void {
  const uses = Object.entries(flags).flatMap(([flag, value]) => {
    const values = typeof value === 'string' ? [value] : value ?? [];
    return values.filter((v) => v === STDIN_PATH).map(() => `--${flag}`);
  });
  if (uses.length > 1) {
    const where = new Set(uses).size === 1 ? `${uses.length} times for ${uses[0]}` : `for ${uses.join(' and ')}`;
    throw new BlockgateError('usage', `standard input can be read only once, but '${STDIN_PATH}' was given ${where}`);
  }
}

/**
 * Refuses `-` for flags whose file is written, or read again later: standard input can be read
 * only once, and never written to.
 */
export function refuseStdinFor(flags: Record<string, string | readonly string[] | undefined>, why: string): void {
  for (const [flag, value] of Object.entries(flags)) {
    const values = typeof value === 'string' ? [value] : value ?? [];
    if (values.includes(STDIN_PATH)) throw new BlockgateError('usage', `--${flag} ${STDIN_PATH}: ${why}; give a file`);
  }
}

/**
 * The gate's options from the common input flags, with standard input for the one path given as
 * `-` (`more`: the command's other path flags, for that count).
 */
export function gateInputs(ctx: CommandContext, argv: InputArgs, more: Record<string, string | undefined> = {}): GateOptions & MapSourceOptions {
  stdinAtMostOnce({ blockers: argv.blockers, ledger: argv.ledger, trust: argv.trust, catalog: argv.catalog, ...more });
  return ctx.withStdin(gateOptions(argv));
}
