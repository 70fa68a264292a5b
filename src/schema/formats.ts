// The string formats the input schemas use, shared by the validators compiled at run time and
// those precompiled at build time (tools/build/validators.mjs), so both judge a string alike.

import { parseTime } from './time.js';

/** ajv format definitions, by the name a schema gives in `format`. */
export const FORMATS = {
  // Every time in every input goes through the one parser.
  rfc3339: { type: 'string', validate: (s: string): boolean => parseTime(s) !== undefined },
  // Names without control characters (Unicode Cc): they print as they compare, and never hide a separator.
  printable: { type: 'string', validate: (s: string): boolean => !/\p{Cc}/u.test(s) },
} as const;

/** The options every validator is compiled with, at run time and at build time alike. */
export const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true } as const;
