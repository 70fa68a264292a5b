// Running a gated command (issue 12 `blockgate exec`): no shell, standard streams inherited,
// SIGINT, SIGTERM and SIGHUP passed on while it runs, and its end turned into an exit status as a
// shell would: its own code, 128 + the signal's number when a signal ended it, 127 when it was
// not found and 126 when it could not be executed.

import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** The signals passed on to the command while it runs. */
export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export const EXIT_NOT_FOUND = 127;
export const EXIT_NOT_EXECUTABLE = 126;

export interface CommandLine {
  /** The program, looked up on PATH when it has no slash (as execvp does). */
  file: string;
  args: readonly string[];
  env: Record<string, string | undefined>;
}

export type CommandEnd =
  | { started: true; exitCode: number; code: number | null; signal: NodeJS.Signals | null }
  /** It never ran: `message` says why, `exitCode` is 127 or 126. */
  | { started: false; exitCode: number; message: string };

/** The process whose signals are passed on (the CLI's own; a test may give another emitter). */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

/** 128 + the signal's number, as a shell reports a command a signal ended. */
export function signalExitCode(signal: NodeJS.Signals): number {
  const number = (constants.signals as Record<string, number | undefined>)[signal];
  return 128 + (number ?? 0);
}

/** Runs the command to its end; never rejects (a command that cannot start is an end too). */
export function runCommandLine(line: CommandLine, signals: SignalSource = process): Promise<CommandEnd> {
  return new Promise((resolve) => {
    const env = Object.fromEntries(Object.entries(line.env).filter((e): e is [string, string] => e[1] !== undefined));
    const child = spawn(line.file, [...line.args], { stdio: 'inherit', env, shell: false });
    const forwarders = FORWARDED_SIGNALS.map((signal) => {
      const forward = () => {
        child.kill(signal);
      };
      signals.on(signal, forward);
      return { signal, forward };
    });
    let settled = false;
    const finish = (end: CommandEnd) => {
      if (settled) return;
      settled = true;
      for (const { signal, forward } of forwarders) signals.off(signal, forward);
      resolve(end);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      // Only an error before the command started means it did not run; after, 'exit' reports the end.
      if (child.pid !== undefined) return;
      finish(notStarted(line.file, error));
    });
    child.once('close', (code, signal) => {
      if (child.pid === undefined) return;
      const exitCode = signal !== null ? signalExitCode(signal) : code ?? 1;
      finish({ started: true, exitCode, code, signal });
    });
  });
}

function notStarted(file: string, error: NodeJS.ErrnoException): CommandEnd {
  switch (error.code) {
    case 'ENOENT':
      return { started: false, exitCode: EXIT_NOT_FOUND, message: `${file}: command not found (ENOENT)` };
    case 'EACCES':
    case 'EPERM':
    case 'ENOEXEC':
    case 'EISDIR':
      return { started: false, exitCode: EXIT_NOT_EXECUTABLE, message: `${file}: cannot be executed (${error.code})` };
    default:
      return { started: false, exitCode: EXIT_NOT_EXECUTABLE, message: `${file}: cannot be started (${error.code ?? error.message})` };
  }
}
