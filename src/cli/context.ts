// What a command needs from its surroundings: where output goes and how it should look.

import { BlockgateError } from '../errors.js';
import { getRenderer, type Renderer, type RenderContext } from '../render/index.js';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stdout is a terminal (colour). */
  isTTY: boolean;
  /** Whether stderr is a terminal (progress lines). */
  stderrIsTTY: boolean;
  env: Record<string, string | undefined>;
  columns: number | undefined;
}

export function processIO(): CliIO {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
    columns: process.stdout.columns,
  };
}

export function renderContext(io: CliIO): RenderContext {
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  // Some pseudo-terminals report 0 columns: that means unknown, not zero.
  const columns = io.columns !== undefined && io.columns > 0 ? io.columns : 80;
  return { color: io.isTTY && !noColor && io.env.TERM !== 'dumb', width: Math.min(columns, 100) };
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

  constructor(readonly io: CliIO, format: string) {
    this.renderer = getRenderer(format);
    this.render = renderContext(io);
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
