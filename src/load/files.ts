// Reading input files: size-limited, UTF-8 checked, with the file named in every error.

import { readFileSync, statSync } from 'node:fs';
import { BlockgateError, type ErrorCode } from '../errors.js';

/** Inputs larger than this are refused before reading: blocker maps and ledgers are small. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

// ignoreBOM keeps a leading byte order mark in the text, so the JSON reader can refuse it rather
// than the decoder silently dropping it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads a text file as strict UTF-8; a missing, oversized or non-UTF-8 file is `code`. */
export function readTextFile(path: string, code: ErrorCode): string {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new BlockgateError(code, `${path}: not a regular file`, { file: path });
    size = st.size;
  } catch (e) {
    if (e instanceof BlockgateError) throw e;
    throw new BlockgateError(code, `${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { file: path });
  }
  if (size > MAX_INPUT_BYTES) {
    throw new BlockgateError(code, `${path}: ${size} bytes is over the ${MAX_INPUT_BYTES}-byte limit for an input file`, { file: path });
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new BlockgateError(code, `${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { file: path });
  }
  try {
    return utf8.decode(bytes);
  } catch {
    const bad = firstInvalidUtf8Line(bytes);
    throw new BlockgateError(code, `${path} line ${bad}: not valid UTF-8`, { file: path, line: bad });
  }
}

function firstInvalidUtf8Line(bytes: Buffer): number {
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
