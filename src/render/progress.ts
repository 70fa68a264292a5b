// A counter line for long runs, rewritten in place with \r. For a person at a terminal only:
// the caller enables it just when stderr is a TTY, so pipes, files and JSON never see it.

export interface Progress {
  /** `done` of `total` finished under `label` (e.g. "deciding"). */
  update(label: string, done: number, total: number): void;
  /** Clears the line; call it before anything else is printed. */
  end(): void;
}

const SILENT: Progress = { update: () => undefined, end: () => undefined };

export interface ProgressOptions {
  write: (text: string) => void;
  enabled: boolean;
  /** Milliseconds between redraws (the last one of a label is always drawn). */
  everyMs?: number;
  now?: () => number;
}

export function progressLine(opts: ProgressOptions): Progress {
  if (!opts.enabled) return SILENT;
  const every = opts.everyMs ?? 80;
  const now = opts.now ?? Date.now;
  let last = -Infinity;
  let shown = false;
  return {
    update(label, done, total) {
      const t = now();
      if (done < total && t - last < every) return;
      last = t;
      shown = true;
      opts.write(`\r\x1b[Kblockgate: ${label} ${done}/${total}`);
    },
    end() {
      if (shown) opts.write('\r\x1b[K');
      shown = false;
    },
  };
}
