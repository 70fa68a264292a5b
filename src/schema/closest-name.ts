// "Did you mean ...?": the known name a mistyped one most likely meant, for messages that
// refuse a name (a catalog action, a blocker id).

import { quoted } from '../quote.js';

/** Levenshtein distance: insertions, deletions and substitutions, one each. */
export function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    row = next;
  }
  return row[b.length]!;
}

/**
 * The known name closest to `name`, ignoring case: at most 2 edits away, and fewer than half
 * the longer name's length (so "x" never suggests "y"); the alphabetically first among equals.
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(k.toLowerCase(), lower);
    if (d <= 2 && d * 2 < Math.max(k.length, lower.length) && (best === undefined || d < best.d || (d === best.d && k < best.name))) best = { name: k, d };
  }
  return best?.name;
}

/** ` (did you mean "x"?)`, or '' when no known name is close. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const close = closestName(name, known);
  return close === undefined ? '' : ` (did you mean ${quoted(close)}?)`;
}
