// Reading input files: opened once, checked on the open descriptor (a regular file, within the
// size limit), read from that same descriptor, UTF-8 checked, with the file named in every error.

import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync, type Stats } from 'node:fs';
import { BlockgateError, type ErrorCode } from '../errors.js';

/** Inputs larger than this are refused before reading: blocker maps and ledgers are small. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** The path that means standard input (SPEC 1.1 `--blockers -`), and its name in messages. */
export const STDIN_PATH = '-';
export const STDIN_NAME = '(stdin)';

/** Standard input's bytes or text, as the caller's surroundings provide it (the CLI reads fd 0). */
export type StdinReader = () => string | Uint8Array;

// ignoreBOM keeps a leading byte order mark in the text, so the JSON reader can refuse it rather
// than the decoder silently dropping it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// O_NONBLOCK: opening a FIFO that has no writer would otherwise wait for ever; on a regular
// file it changes nothing. Windows has neither FIFOs nor the flag.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

const CHUNK_BYTES = 1024 * 1024;

/**
 * Reads a text file as strict UTF-8; a missing, unreadable, non-regular, oversized or non-UTF-8
 * file is `code`. Messages name it as `name` (the path by default).
 */
export function readTextFile(path: string, code: ErrorCode, name = path): string {
  return decodeInput(readInputBytes(path, code, name), name, code);
}

/** The bytes of a binary input (the policy bundle), with readTextFile's checks but no decoding. */
export function readInputFile(path: string, code: ErrorCode, name = path): Buffer {
  return readInputBytes(path, code, name);
}

/** Like readTextFile, but `-` is standard input through `stdin` (named "(stdin)" in messages). */
export function readInput(path: string, code: ErrorCode, stdin: StdinReader | undefined): { text: string; name: string } {
  if (path !== STDIN_PATH) return { text: readTextFile(path, code), name: path };
  return { text: readStdin(code, stdin), name: STDIN_NAME };
}

/** Standard input as strict UTF-8 text within the size limit; `usage` when there is none to read. */
export function readStdin(code: ErrorCode, stdin: StdinReader | undefined): string {
  if (stdin === undefined) {
    throw new BlockgateError('usage', `'${STDIN_PATH}' means standard input, which is not available here`);
  }
  const input = stdin();
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > MAX_INPUT_BYTES) throw tooBig(STDIN_NAME, code, size, typeof input !== 'string');
  return typeof input === 'string' ? input : decodeInput(input, STDIN_NAME, code);
}

/** A reader that gives standard input once; a second `-` is a usage error, not an empty read. */
export function singleUse(stdin: StdinReader): StdinReader {
  let used = false;
  return () => {
    if (used) throw new BlockgateError('usage', `standard input was already read for an earlier '${STDIN_PATH}'; give '${STDIN_PATH}' once`);
    used = true;
    return stdin();
  };
}

/** Standard input of this process (fd 0), read to its end, at most one byte over the limit. */
export function readProcessStdin(): Uint8Array {
  return readBounded(0, STDIN_NAME, 'io', true);
}

function readInputBytes(path: string, code: ErrorCode, name: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (e) {
    throw cannotOpen(path, name, code, e);
  }
  try {
    let st: Stats;
    try {
      st = fstatSync(fd);
    } catch (e) {
      throw new BlockgateError(code, `${name}: cannot read: ${reason(e)}`, { file: name });
    }
    if (!st.isFile()) throw new BlockgateError(code, `${name}: ${kindOf(st)}, not a regular file`, { file: name });
    if (st.size > MAX_INPUT_BYTES) throw tooBig(name, code, st.size);
    const bytes = readBounded(fd, name, code, false);
    if (bytes.length > MAX_INPUT_BYTES) throw tooBig(name, code, bytes.length, true);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads to the end, but never more than one byte over the limit, so that a file that grew after
 * it was checked (or an endless pipe) is refused by the caller, not read whole.
 */
function readBounded(fd: number, path: string, code: ErrorCode, pipe: boolean): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, MAX_INPUT_BYTES + 1 - total));
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (e) {
      // A pipe that Node made non-blocking says "try again": wait briefly rather than spin.
      if (pipe && (e as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      throw new BlockgateError(code, `${path}: cannot read: ${reason(e)}`, { file: path });
    }
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
    if (total > MAX_INPUT_BYTES) break;
  }
  return Buffer.concat(chunks, total);
}

function decodeInput(bytes: Uint8Array, path: string, code: ErrorCode): string {
  try {
    return utf8.decode(bytes);
  } catch {
    const bad = firstInvalidUtf8Line(bytes);
    throw new BlockgateError(code, `${path} line ${bad}: not valid UTF-8`, { file: path, line: bad });
  }
}

function tooBig(path: string, code: ErrorCode, size: number, atLeast = false): BlockgateError {
  const amount = atLeast ? `more than ${MAX_INPUT_BYTES} bytes` : `${size} bytes`;
  return new BlockgateError(code, `${path}: ${amount} is over the ${MAX_INPUT_BYTES}-byte limit for an input file`, { file: path });
}

/** Why a path could not be opened, saying so plainly when it is a link to nowhere. */
function cannotOpen(path: string, name: string, code: ErrorCode, e: unknown): BlockgateError {
  const errno = (e as NodeJS.ErrnoException).code;
  let message = `${name}: cannot read: ${reason(e)}`;
  if (errno === 'ENOENT') {
    const target = danglingTarget(path);
    message = target === undefined ? `${name}: not found` : `${name}: a dangling symbolic link (to ${target}): what it points to does not exist`;
  } else if (errno === 'ELOOP') {
    message = `${name}: a symbolic link loop: it never reaches a file`;
  } else if (errno === 'EACCES' || errno === 'EPERM') {
    message = `${name}: cannot read: permission denied (${errno})`;
  }
  return new BlockgateError(code, message, { file: name });
}

/** Whether anything (even a dangling link) is at `path`. */
export function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The target of `path` when it is itself a symbolic link (whose target is missing), else undefined. */
export function danglingTarget(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}

/** What a non-regular file is, for messages. */
export function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a file';
}

function reason(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}

function firstInvalidUtf8Line(bytes: Uint8Array): number {
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try { utf8.decode(bytes.subarray(start, i)); } catch { return line; }
      line++;
      start = i + 1;
    }
  }
  return line;
}
