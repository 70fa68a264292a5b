// The command line: a thin edge over the library. Parses flags, runs one command, renders, exits.

import yargs from 'yargs';
import { BlockgateError } from '../errors.js';
import { exitCodeForError, EXIT } from './exit.js';
import { CommandContext, processIO, renderContext, type CliIO, type Outcome } from './context.js';
import { getRenderer, FORMATS } from '../render/index.js';
import { readSealedBundle } from '../engine/bundle.js';
import { checkCommand } from './commands/check.js';
import { planCommand } from './commands/plan.js';
import { matrixCommand } from './commands/matrix.js';
import { whatIfCommand } from './commands/what-if.js';
import { validateCommand } from './commands/validate.js';
import { ledgerCommand } from './commands/ledger.js';
import { serveCommand } from './commands/serve.js';
import { replayCommand } from './commands/replay.js';
import { reportCommand } from './commands/report.js';

/** The --format the user asked for, read from the raw arguments so that even usage errors honour it. */
function requestedFormat(args: readonly string[]): string {
  let format = 'text';
  args.forEach((arg, i) => {
    if (arg === '--format' && args[i + 1] !== undefined) format = args[i + 1]!;
    else if (arg.startsWith('--format=')) format = arg.slice('--format='.length);
  });
  return format;
}

/** Errors are rendered in the requested format when it exists, else as text. */
function errorFormat(args: readonly string[]): string {
  const format = requestedFormat(args);
  return FORMATS.includes(format) ? format : 'text';
}

function internal(error: unknown): BlockgateError {
  if (error instanceof BlockgateError) return error;
  // Never a stack trace for the user; the message says what broke.
  const message = error instanceof Error ? error.message : String(error);
  return new BlockgateError('internal', `internal error: ${message}`);
}

/** Flags that may be given more than once; yargs would silently turn any other into an array. */
const REPEATABLE = new Set(['blockers', 'revoke', 'resolves', 'evidence']);

const BOOLEAN_VALUES = new Set(['true', 'false']);

/** `--flag=maybe` on a boolean flag: yargs would read it as false; refuse it instead. */
function refuseNonBooleanValues(args: readonly string[]): void {
  for (const arg of args) {
    const m = /^--(insecure-no-verify|explain-plan|emit-ledger-template|help|version)=(.*)$/.exec(arg);
    if (m && !BOOLEAN_VALUES.has(m[2]!)) throw new BlockgateError('usage', `--${m[1]} takes no value (or true/false), not "${m[2]}"`);
  }
}

function refuseRepeatedFlags(argv: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(argv)) {
    if (name === '_' || name === '$0' || REPEATABLE.has(name) || /[A-Z]/.test(name)) continue;
    if (Array.isArray(value)) throw new BlockgateError('usage', `--${name} was given ${value.length} times; give it once`);
  }
}

export async function run(args: readonly string[], io: CliIO = processIO()): Promise<number> {
  let outcome: Outcome | undefined;
  const fail = (error: unknown): Outcome => {
    const e = internal(error);
    const renderer = getRenderer(errorFormat(args));
    const text = renderer.error(e.toProblem(), e.problems, renderContext(io));
    // JSON errors go to stdout (one object, errors included); text errors to stderr.
    return renderer.format === 'json' ? { output: text, exitCode: exitCodeForError(e) } : (io.stderr(text), { output: '', exitCode: exitCodeForError(e) });
  };
  const runCommand = async (fn: (ctx: CommandContext) => Promise<Outcome>, format: string): Promise<void> => {
    try {
      // Every command refuses a tampered policy bundle, even those that decide nothing.
      readSealedBundle();
      outcome = await fn(new CommandContext(io, format));
    } catch (error) {
      outcome = fail(error);
    }
  };
  const runner = (fn: (ctx: CommandContext) => Promise<Outcome>) => runCommand(fn, requestedFormat(args));

  const cli = yargs([...args])
    .scriptName('blockgate')
    .usage('$0 <command> [options]\n\nA policy-as-code gate for risky operations: blocker maps and a signed grant ledger in, a decision with its reasons out.')
    .command(checkCommand(runner))
    .command(planCommand(runner))
    .command(matrixCommand(runner))
    .command(whatIfCommand(runner))
    .command(reportCommand(runner))
    .command(validateCommand(runner))
    .command(ledgerCommand(runner))
    .command(serveCommand(runner))
    .command(replayCommand(runner))
    .middleware(refuseRepeatedFlags)
    .demandCommand(1, 'give a command')
    .strict()
    .recommendCommands()
    .exitProcess(false)
    .wrap(renderContext(io).width)
    .epilog('Exit codes: 0 allowed / clean, 2 denied, 3 invalid input, 1 any other failure.')
    .fail((message, error) => {
      throw error instanceof BlockgateError ? error : new BlockgateError('usage', message ?? error?.message ?? 'bad usage');
    });

  let helpShown = '';
  try {
    refuseNonBooleanValues(args);
    await cli.parseAsync([...args], {}, (err, _argv, output) => {
      if (!err && output) helpShown = output;
    });
  } catch (error) {
    outcome = fail(error);
  }
  if (outcome === undefined) {
    // --help or --version: yargs produced the text and ran no command.
    if (helpShown) io.stdout(`${helpShown}\n`);
    return EXIT.ok;
  }
  io.stdout(outcome.output);
  return outcome.exitCode;
}
