// Every string a renderer shows comes from a map, a ledger, a flag or a path: none may make a
// line, a terminal escape or a workflow command of its own. These make such characters visible.

import { visible } from '../quote.js';

export { visible };

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
