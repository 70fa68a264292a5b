// Showing untrusted text: every character that could start a line, a terminal escape or a
// workflow command of its own, or hide or reorder what a reader sees, is written as its escape.

// C0 and C1 controls, DEL, line and paragraph separators, bidirectional overrides and isolates
// (they reorder what a reader sees), and lone surrogates (no character at all).
const INVISIBLE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One line of plain text: every control or invisible character written as its escape (`\n`, `\u001b`). */
export function visible(value: string): string {
  return value.replace(INVISIBLE, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A name quoted for a message: JSON quoting, with what JSON.stringify leaves raw made visible too. */
export function quoted(text: string): string {
  return visible(JSON.stringify(text));
}
