// Every string a renderer shows comes from a map, a ledger, a flag or a path: none may make a
// line, a terminal escape or a workflow command of its own. These make such characters visible.

// C0 and C1 controls, DEL, line and paragraph separators, bidirectional overrides and isolates
// (they reorder what a reader sees), and lone surrogates (no character at all).
const INVISIBLE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One line of plain text: every control or invisible character written as its escape (`\n`, `\u001b`). */
export function visible(value: string): string {
  return value.replace(INVISIBLE, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The same value with every string in it made `visible`: objects, arrays and maps are copied,
 * so a renderer can take a whole decision as it is and add its own line breaks and colours.
 */
export function visibleDeep<T>(value: T): T {
  return shown(value) as T;
}

function shown(value: unknown): unknown {
  if (typeof value === 'string') return visible(value);
  if (Array.isArray(value)) return value.map(shown);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [shown(k), shown(v)]));
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) copy[k] = shown(v);
    return copy;
  }
  return value;
}
