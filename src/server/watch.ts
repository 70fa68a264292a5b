// Watching the input files: fs.watch on each file and on its directory (editors and `ledger
// append` replace files by rename, which a watch on the old file never sees), debounced, with a
// slow stat poll as a backstop for the events fs.watch can miss.

import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fingerprint, inputFiles } from '../inputs/fingerprint.js';
import type { GateOptions } from '../gate/types.js';
import { fastGlob as fg } from '../load/lazy-module.js';

export interface WatchOptions {
  /** Quiet time after the last event before reloading. Default 100 ms. */
  debounceMs?: number;
  /** How often the files are stat-ed in case an event was missed; 0 turns it off. Default 1000 ms. */
  pollMs?: number;
  /** The fingerprint taken before the current state was loaded (a change since is reloaded). */
  loadedFrom?: string;
}

export interface InputWatcher {
  close(): void;
}

/** What to watch: the files, and the directories whose entries matter (null: any entry). */
interface WatchSet {
  files: string[];
  dirs: Map<string, Set<string> | null>;
}

function watchSet(options: GateOptions): WatchSet {
  const files = inputFiles(options);
  const dirs = new Map<string, Set<string> | null>();
  for (const file of files) {
    const names = dirs.get(dirname(file));
    if (names === null) continue;
    if (names) names.add(basename(file));
    else dirs.set(dirname(file), new Set([basename(file)]));
  }
  // A file a glob may match later appears in the pattern's base directory (or one below it).
  for (const pattern of options.blockers) {
    if (!fg().isDynamicPattern(pattern)) {
      const file = resolve(pattern);
      const names = dirs.get(dirname(file));
      if (names === undefined) dirs.set(dirname(file), new Set([basename(file)]));
      else names?.add(basename(file));
      continue;
    }
    for (const task of fg().generateTasks([pattern])) dirs.set(resolve(task.base), null);
  }
  return { files, dirs };
}

/**
 * Calls `onChange` (debounced) whenever an input may have changed. `onChange` reloads; the
 * watches are then set up again, since the set of files (globs) and their inodes may be new.
 */
export function watchInputs(options: GateOptions, onChange: () => void, opts: WatchOptions = {}): InputWatcher {
  const debounceMs = opts.debounceMs ?? 100;
  const pollMs = opts.pollMs ?? 1000;
  let watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  // Whether an event named an input file itself (reload for sure), or only maybe-changes.
  let certain = false;
  let seen = opts.loadedFrom ?? fingerprint(options);

  const fire = () => {
    timer = undefined;
    if (closed) return;
    const now = fingerprint(options);
    const changed = certain || now !== seen;
    certain = false;
    seen = now;
    if (changed) onChange();
    arm();
  };
  // A file written without pause must not postpone the reload for ever.
  let firstPending = 0;
  const schedule = (isCertain: boolean) => {
    if (closed) return;
    certain ||= isCertain;
    const now = Date.now();
    if (timer) {
      if (now - firstPending >= debounceMs * 10) return;
      clearTimeout(timer);
    } else {
      firstPending = now;
    }
    timer = setTimeout(fire, debounceMs);
  };

  const arm = () => {
    for (const w of watchers) w.close();
    watchers = [];
    if (closed) return;
    const set = watchSet(options);
    const add = (path: string, listener: (event: string, name: string | Buffer | null) => void) => {
      try {
        const w = watch(path, { persistent: false }, listener);
        // A watched file that is deleted or replaced errors on some platforms: the directory
        // watch and the poll still see it.
        w.on('error', () => schedule(true));
        watchers.push(w);
      } catch {
        // Missing now (being replaced, or the invalid state itself): the poll will notice it.
      }
    };
    for (const file of set.files) add(file, () => schedule(true));
    for (const [dir, names] of set.dirs) {
      add(dir, (_event, name) => {
        const entry = name === null ? null : String(name);
        // Other files here (a decision log, lock and temp files) are none of our business,
        // except in a glob's directory, where a new file may be a new map.
        if (names === null) schedule(false);
        else if (entry === null || names.has(entry)) schedule(true);
      });
    }
  };

  arm();
  if (seen !== fingerprint(options)) schedule(false);
  const poll = pollMs > 0 ? setInterval(() => {
    if (!timer && fingerprint(options) !== seen) schedule(false);
  }, pollMs) : undefined;
  poll?.unref();

  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
      for (const w of watchers) w.close();
      watchers = [];
    },
  };
}
