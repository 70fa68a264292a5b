// The argument-vector contract (SPEC 3), checked on the raw tokens before any command runs:
// --help/--version only alone after the command name, a value flag never swallows a flag,
// no unknown or misspelt flag, nothing after `--` unless the command takes it.

import { BlockgateError } from '../errors.js';

/** What the parser knows about one command's flags (yargs' getOptions() has this shape). */
export interface FlagTable {
  key: Record<string, unknown>;
  boolean: readonly string[];
  array: readonly string[];
  alias: Record<string, readonly string[]>;
}

const HELP_OR_VERSION = /^(--(no-)?(help|version)(=.*)?|-h|-v)$/;
const ALONE = new Set(['--help', '--version', '-h', '-v']);
// A token yargs takes as a value even though it starts with `-`: a negative number, or `-` (stdin).
const DASH_VALUE = /^-$|^-([0-9]+(\.[0-9]+)?|\.[0-9]+)$/;
const BOOLEAN_VALUES = new Set(['true', 'false']);

const usage = (message: string) => new BlockgateError('usage', message);

/** The tokens before the first `--`, and those after it (undefined when there is no `--`). */
export function splitAtTerminator(args: readonly string[]): { head: string[]; tail: string[] | undefined } {
  const at = args.indexOf('--');
  return at < 0 ? { head: [...args], tail: undefined } : { head: args.slice(0, at), tail: args.slice(at + 1) };
}

/**
 * `--flag -` as `--flag=-`: yargs reads a lone `-` as a positional, but SPEC 1.1 makes it a
 * value (standard input). Only before `--`; a flag that takes no value still refuses it.
 */
export function stdinValuesJoined(args: readonly string[]): string[] {
  const { head, tail } = splitAtTerminator(args);
  const out: string[] = [];
  for (let i = 0; i < head.length; i++) {
    const token = head[i]!;
    if (/^--[^=]+$/.test(token) && head[i + 1] === '-') {
      out.push(`${token}=-`);
      i++;
    } else out.push(token);
  }
  return tail === undefined ? out : [...out, '--', ...tail];
}

export function isHelpOrVersion(token: string): boolean {
  return HELP_OR_VERSION.test(token);
}

function helpAloneMessage(token: string, path: readonly string[]): string {
  const flag = token.startsWith('--') ? token.replace(/=.*$/, '').replace(/^--no-/, '--') : token === '-h' ? '--help' : '--version';
  const where = path.length === 0 ? 'blockgate' : `blockgate ${path.join(' ')}`;
  return `${flag} is honoured only alone after the command name (\`${where} ${flag}\`); with other arguments nothing is run`;
}

/**
 * Before any command is known: `blockgate --help`, `blockgate --version` alone, or a command
 * name first. A help or version flag anywhere else is refused, never obeyed.
 */
export function checkTopLevel(args: readonly string[], commands: ReadonlySet<string>): void {
  const { head } = splitAtTerminator(args);
  if (head.length > 0 && commands.has(head[0]!)) return;
  if (args.length === 1 && ALONE.has(args[0]!)) return;
  const help = head.find(isHelpOrVersion);
  if (help !== undefined) throw usage(helpAloneMessage(help, []));
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The known flag a misspelt one most likely meant: close in spelling, or one a prefix of the other. */
export function nearestFlag(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: { flag: string; score: number } | undefined;
  for (const flag of known) {
    const d = distance(lower, flag);
    const prefix = flag.length >= 3 && (lower.startsWith(flag) || flag.startsWith(lower)) && lower.length >= 3;
    const close = d <= 2 && d < flag.length / 2;
    const score = close ? d : prefix ? 10 + Math.abs(lower.length - flag.length) : Infinity;
    if (score < Infinity && (best === undefined || score < best.score || (score === best.score && flag < best.flag))) best = { flag, score };
  }
  return best?.flag;
}

function unknownFlag(token: string, path: readonly string[], longFlags: readonly string[]): BlockgateError {
  const name = token.replace(/^-+/, '').replace(/=.*$/, '');
  const guess = nearestFlag(name.replace(/^no-/, ''), longFlags);
  const hint = guess === undefined ? '' : `; did you mean --${guess}?`;
  return usage(`unknown flag ${token.replace(/=.*$/, '')} for \`blockgate ${path.join(' ')}\`${hint}`);
}

export interface CommandArgs {
  /** The command path, e.g. ['ledger', 'append']. */
  path: readonly string[];
  flags: FlagTable;
  /** Whether the command takes the tokens after `--` (a gated command line). */
  takesTail: boolean;
}

/** Refuses every argument vector SPEC 3 does not honour; returns quietly for one it does. */
export function checkCommandArgs(args: readonly string[], { path, flags, takesTail }: CommandArgs): void {
  const { head, tail } = splitAtTerminator(args);
  const aliasOf = new Map<string, string>();
  for (const [key, aliases] of Object.entries(flags.alias)) for (const a of aliases) if (a.length === 1) aliasOf.set(a, key);
  // yargs adds camelCase twins of kebab-case flags; only the spelling --help shows is a flag here.
  const longFlags = Object.keys(flags.key).filter((k) => k.length > 1 && !/[A-Z]/.test(k));
  const isBoolean = (key: string) => flags.boolean.includes(key);
  const isArray = (key: string) => flags.array.includes(key);

  let expect = [...path];
  for (let i = 0; i < head.length; i++) {
    const token = head[i]!;
    if (expect.length > 0 && token === expect[0]) {
      expect = expect.slice(1);
      continue;
    }
    if (!token.startsWith('-') || DASH_VALUE.test(token)) continue; // a positional; yargs counts them
    if (ALONE.has(token)) continue; // help and version: judged below, once every value is placed
    let key: string;
    let inline: string | undefined;
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      const name = eq < 0 ? token.slice(2) : token.slice(2, eq);
      inline = eq < 0 ? undefined : token.slice(eq + 1);
      if (longFlags.includes(name)) key = name;
      else if (name.startsWith('no-') && longFlags.includes(name.slice(3)) && isBoolean(name.slice(3)) && inline === undefined) continue;
      else throw unknownFlag(token, path, longFlags);
    } else {
      const short = aliasOf.get(token.slice(1));
      if (token.length !== 2 || short === undefined) throw unknownFlag(token, path, longFlags);
      key = short;
    }
    if (isBoolean(key)) {
      if (inline !== undefined && !BOOLEAN_VALUES.has(inline)) throw usage(`--${key} takes no value (or true/false), not "${inline}"`);
      if (inline === undefined && BOOLEAN_VALUES.has(head[i + 1] ?? '')) i++;
      continue;
    }
    if (inline !== undefined) continue; // `--flag=VALUE`: the value is whatever follows `=`, flag-like or not
    const next = head[i + 1];
    if (next === undefined || (next.startsWith('-') && !DASH_VALUE.test(next))) {
      const followed = next === undefined ? (tail !== undefined ? ' (it is followed by --)' : ' (it is the last argument)') : ` (it is followed by ${next})`;
      throw usage(`--${key} needs a value${followed}; a value that starts with - is written --${key}=VALUE`);
    }
    i++;
    if (isArray(key)) while (i + 1 < head.length && !head[i + 1]!.startsWith('-')) i++;
  }

  const help = head.find(isHelpOrVersion);
  if (help !== undefined) {
    const alone = tail === undefined && head.length === path.length + 1 && path.every((word, j) => head[j] === word) && ALONE.has(head[path.length]!);
    if (!alone) throw usage(helpAloneMessage(help, path));
  }
  if (tail !== undefined && tail.length > 0 && !takesTail) {
    throw usage(`\`blockgate ${path.join(' ')}\` takes no arguments after --; got ${tail[0]}`);
  }
}
