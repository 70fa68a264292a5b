// The command line: a thin edge over the library. Parses flags, runs one command, renders, exits.

import { readFileSync } from 'node:fs';
import yargs, { type CommandModule } from 'yargs';
import { BlockgateError } from '../errors.js';
import { exitCodeForError, EXIT } from './exit.js';
import { CommandContext, processIO, renderContext, type CliIO, type Outcome } from './context.js';
import { checkCommandArgs, checkTopLevel, isHelpOrVersion, splitAtTerminator, stdinValuesJoined, type FlagTable } from './argv.js';
import { formatRenderer, formatsFor } from '../render/index.js';
import { readSealedBundle } from '../engine/bundle.js';
import { commandBundle, type BundleArgs } from './options.js';
import { checkCommand } from './commands/check.js';
import { planCommand } from './commands/plan.js';
import { matrixCommand } from './commands/matrix.js';
import { whatIfCommand } from './commands/what-if.js';
import { validateCommand } from './commands/validate.js';
import { ledgerCommand } from './commands/ledger.js';
import { serveCommand } from './commands/serve.js';
import { replayCommand } from './commands/replay.js';
import { reportCommand } from './commands/report.js';
import { applyConfig, configCommand, type Configured } from './commands/config.js';
import { ownVersion, versionText } from './version.js';
import { execCommand } from './commands/exec.js';
import { completionCommand } from './commands/completion.js';
import { buildCommand } from './commands/build.js';
import { testCommand } from './commands/test.js';

/** The --format the user asked for, read from the raw arguments so that even usage errors honour it. */
function requestedFormat(args: readonly string[]): string {
  let format = 'text';
  const { head } = splitAtTerminator(args);
  head.forEach((arg, i) => {
    if (arg === '--format' && head[i + 1] !== undefined) format = head[i + 1]!;
    else if (arg.startsWith('--format=')) format = arg.slice('--format='.length);
  });
  return format;
}

/** Errors are rendered in the requested (or configured) format when it exists, else as text. */
function errorFormat(args: readonly string[], configured?: string): string {
  const format = configured ?? requestedFormat(args);
  return formatsFor('error').includes(format) ? format : 'text';
}

function internal(error: unknown): BlockgateError {
  if (error instanceof BlockgateError) return error;
  // Never a stack trace for the user; the message says what broke.
  const message = error instanceof Error ? error.message : String(error);
  return new BlockgateError('internal', `internal error: ${message}`);
}

/** Flags that may be given more than once; yargs would silently turn any other into an array. */
const REPEATABLE = new Set(['blockers', 'revoke', 'resolves', 'evidence']);

/** Commands that hand the tokens after `--` to a command line they run (issue 12's `exec`). */
const TAKES_TAIL = new Set(['exec']);

function refuseRepeatedFlags(argv: Record<string, unknown>, parser?: ParserView): void {
  // A command may declare more (matrix's --action and --env; check's stay single).
  const declared = new Set(parser?.getOptions().array ?? []);
  for (const [name, value] of Object.entries(argv)) {
    if (name === '_' || name === '$0' || REPEATABLE.has(name) || declared.has(name) || /[A-Z]/.test(name)) continue;
    if (Array.isArray(value)) throw new BlockgateError('usage', `--${name} was given ${value.length} times; give it once`);
  }
}

/** The part of a yargs instance the argument checks read: the running command and its flags. */
interface ParserView {
  getOptions(): FlagTable;
  getInternalMethods?: () => { getContext(): { commands: string[] } };
}

/** The raw tokens against SPEC 3, once, for the innermost command (yargs calls this at every level). */
function argvContract(args: readonly string[]) {
  let checked = false;
  return (_argv: unknown, parser: ParserView): void => {
    if (checked) return;
    checked = true;
    const context = parser.getInternalMethods?.().getContext();
    // Without the command path the checks cannot run, and an unchecked vector is never run.
    if (context === undefined || !Array.isArray(context.commands)) throw new BlockgateError('internal', 'the argument checks cannot see the command');
    const path = [...context.commands];
    // No command matched: checkTopLevel has judged help and version; yargs names the unknown command.
    if (path.length === 0) return;
    checkCommandArgs(args, { path, flags: parser.getOptions(), takesTail: TAKES_TAIL.has(path[0] ?? '') });
  };
}

/**
 * yargs lays out a command's whole help text after running its handler, for a handler that might
 * show it later (about 30 ms of every run, issue 13). No handler here shows help, and a failure
 * is rendered by blockgate, never with yargs' help, so the layout is skipped. `--help` itself does
 * not use the cache: yargs lays it out when asked.
 */
function skipHelpCache(cli: object): void {
  // Not in yargs' typed API (as getContext, which argvContract reads): looked for, never assumed.
  const view = cli as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } };
  const usage = view.getInternalMethods?.().getUsageInstance?.();
  if (usage !== undefined && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

/** The first word of each command's yargs spelling: `replay <file>` is `replay`. */
function commandNames(modules: readonly CommandModule<any, any>[]): Set<string> {
  return new Set(modules.map((m) => String(Array.isArray(m.command) ? m.command[0] : m.command).split(' ')[0]!));
}

/** Where output to the process goes; a reader that closed the pipe early ends the run quietly with exit 1. */
function guardedProcessIO(): { io: CliIO; broken: () => boolean } {
  let broken = false;
  const onError = () => {
    broken = true;
    // The output was not delivered, so the run did not succeed; set here too, for an error after run() returned.
    process.exitCode = EXIT.failure;
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
  const io = processIO();
  const write = (stream: NodeJS.WriteStream) => (text: string) => {
    if (!broken && !stream.destroyed) stream.write(text);
  };
  return { io: { ...io, stdout: write(process.stdout), stderr: write(process.stderr) }, broken: () => broken };
}

/**
 * Runs one command line. Without an `io`, it writes to the process, and a closed pipe on stdout
 * or stderr makes the exit code 1 (never a stack trace; never 0 for output nobody received).
 */
export async function run(args: readonly string[], io?: CliIO): Promise<number> {
  if (io !== undefined) return runWith(args, io);
  const guarded = guardedProcessIO();
  const code = await runWith(args, guarded.io);
  // A write error on a pipe arrives as an event: let it land before the exit code is given.
  await new Promise((resolve) => setImmediate(resolve));
  return guarded.broken() ? EXIT.failure : code;
}

async function runWith(given: readonly string[], io: CliIO): Promise<number> {
  const args = stdinValuesJoined(given);
  let outcome: Outcome | undefined;
  const fail = (error: unknown): Outcome => {
    const e = internal(error);
    const renderer = formatRenderer(errorFormat(args, configured.format));
    const ctx = renderContext(io);
    const text = renderer.error!(e.problems, ctx);
    if (renderer.errorsTo === 'stderr') {
      io.stderr(text);
      return { output: '', exitCode: exitCodeForError(e) };
    }
    // A document format carries the error on stdout (SPEC 3); a person reading the log still sees it.
    if (renderer.format !== 'json') io.stderr(formatRenderer('text').error!(e.problems, ctx));
    return { output: text, exitCode: exitCodeForError(e) };
  };
  const runCommand = async (fn: (ctx: CommandContext) => Promise<Outcome>, format: string): Promise<void> => {
    try {
      // Every command refuses a tampered policy bundle, even those that decide nothing; the one
      // read here is the one every gate of the command decides with.
      const bundle = commandBundle(bundleFlags);
      outcome = await fn(new CommandContext(io, format, bundle));
    } catch (error) {
      outcome = fail(error);
    }
  };
  // --bundle and --bundle-key, as yargs parsed them (a middleware keeps them for runCommand).
  let bundleFlags: BundleArgs = {};
  // What blockgate.json and BLOCKGATE_* decide for this command (a middleware reads them once the command is known).
  let configured: Configured = {};
  const runner = (fn: (ctx: CommandContext) => Promise<Outcome>) => runCommand(fn, configured.format ?? requestedFormat(args));

  const commands: CommandModule<any, any>[] = [
    checkCommand(runner), planCommand(runner), matrixCommand(runner), whatIfCommand(runner), reportCommand(runner),
    validateCommand(runner), ledgerCommand(runner), serveCommand(runner), replayCommand(runner),
    buildCommand(runner), testCommand(runner), configCommand(runner),
    execCommand(runner, splitAtTerminator(args).tail ?? []), completionCommand(runner, () => commands),
  ];
  // The bundle in use is read only when --version is asked for; its error is the run's only if the version is shown.
  let version = ownVersion();
  let versionError: unknown;
  if (args.some((a) => a === '--version' || a === '-v')) {
    try { version = versionText(io); } catch (error) { versionError = error; }
  }
  const cli = yargs([...args])
    .scriptName('blockgate')
    .usage('$0 <command> [options]\n\nA policy-as-code gate for risky operations: blocker maps and a signed grant ledger in, a decision with its reasons out.')
    .version(version)
    .alias('v', 'version')
    .alias('h', 'help');
  for (const command of commands) cli.command(command);
  cli
    .middleware(argvContract(args) as never, true)
    .middleware(refuseRepeatedFlags as never)
    .middleware(((argv: Record<string, unknown>, parser: ParserView) => {
      configured = applyConfig(argv, Object.keys(parser.getOptions().key), splitAtTerminator(args).head, io);
    }) as never)
    .middleware((argv) => { bundleFlags = argv as BundleArgs; })
    .demandCommand(1, 'give a command')
    .strict()
    .recommendCommands()
    .exitProcess(false)
    .wrap(renderContext(io).width)
    .epilog('Exit codes: 0 allowed / clean, 2 denied, 3 invalid input, 1 any other failure.')
    .fail((message, error) => {
      throw error instanceof BlockgateError ? error : new BlockgateError('usage', message ?? error?.message ?? 'bad usage');
    });

  skipHelpCache(cli);
  let helpShown = '';
  try {
    checkTopLevel(args, commandNames(commands));
    await cli.parseAsync([...args], {}, (err, _argv, output) => {
      if (!err && output) helpShown = output;
    });
  } catch (error) {
    outcome = fail(error);
  }
  if (outcome === undefined) {
    // --help or --version alone: yargs produced the text and ran no command. Anything else that ran nothing is a failure.
    if (!helpShown || !isHelpOrVersion(args[args.length - 1] ?? '')) outcome = fail(new BlockgateError('usage', 'nothing was run: give a command (see blockgate --help)'));
    else if (versionError !== undefined && !['--help', '-h'].includes(args[args.length - 1]!)) outcome = fail(versionError);
    else {
      io.stdout(`${helpShown}\n`);
      return EXIT.ok;
    }
  }
  io.stdout(outcome.output);
  return outcome.exitCode;
}
