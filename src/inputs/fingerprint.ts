// What the input files of a gate are, and a fingerprint of them as they are now: how a server
// (and its reload) tells that an input changed, even while it was being read.

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { expandMapPatterns } from './maps.js';
import { isPostgresUrl } from '../load/locator.js';

/** The input paths of a gate's options (the blocker map patterns, and the other files). */
export interface InputPaths {
  blockers: readonly string[];
  ledger?: string | undefined;
  trust?: string | undefined;
  catalog?: string | undefined;
}

/** The input files of these options as they are now (glob patterns expanded). */
export function inputFiles(options: InputPaths): string[] {
  let maps: string[] = [];
  try {
    maps = expandMapPatterns(options.blockers);
  } catch {
    // A pattern matching nothing is the invalid state itself; its directory is still watched.
  }
  // A ledger in a database is not a file: its follower (../postgres/ledger-follow.ts) watches it.
  const ledger = options.ledger !== undefined && isPostgresUrl(options.ledger) ? undefined : options.ledger;
  const others = [ledger, options.trust, options.catalog].filter((f): f is string => f !== undefined);
  return [...maps, ...others].map((f) => resolve(f));
}

/** Inode, size and times of every input file, and the file list itself. */
export function fingerprint(options: InputPaths): string {
  return inputFiles(options).map((file) => {
    try {
      const st = statSync(file);
      return `${file}\u0000${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    } catch {
      return `${file}\u0000missing`;
    }
  }).join('\n');
}

