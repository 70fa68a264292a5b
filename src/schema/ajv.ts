// The one JSON-schema validator set: every input schema is compiled by this Ajv instance.

import { Ajv, type ErrorObject, type AnySchema } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ParsedJson } from '../load/json.js';
import { problem, type ErrorCode, type Problem } from '../errors.js';
import { parseTime } from './time.js';
import { quoted } from '../quote.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
// Every time in every input goes through the one parser.
ajv.addFormat('rfc3339', { type: 'string', validate: (s: string) => parseTime(s) !== undefined });
// Names without control characters (Unicode Cc): they print as they compare, and never hide a separator.
ajv.addFormat('printable', { type: 'string', validate: (s: string) => !/\p{Cc}/u.test(s) });

export interface Validator {
  /** Every problem with the parsed document, each naming the file and line; [] when valid. */
  (doc: ParsedJson, file: string): Problem[];
}

function describe(err: ErrorObject): string {
  const path = err.instancePath === '' ? 'the document' : err.instancePath;
  // A failing property name is reported at its object; say which name it is.
  const at = err.propertyName === undefined ? path : `${path}: the name ${quoted(err.propertyName)}`;
  if (err.keyword === 'format' && (err.params as { format?: string }).format === 'printable') {
    return `${at} must not contain control characters`;
  }
  switch (err.keyword) {
    case 'additionalProperties':
      return `${at}: unknown field "${(err.params as { additionalProperty: string }).additionalProperty}"`;
    case 'required':
      return `${at}: missing required field "${(err.params as { missingProperty: string }).missingProperty}"`;
    case 'format':
      return `${at}: ${err.message ?? 'bad format'}`;
    case 'enum':
      return `${at}: must be one of ${JSON.stringify((err.params as { allowedValues: unknown[] }).allowedValues)}`;
    default:
      return `${at}: ${err.message ?? err.keyword}`;
  }
}

/**
 * Compiles a schema. `timeCode` lets a format failure of an `rfc3339` field be reported as
 * `bad-time` instead of the schema code.
 */
export function compileValidator(schema: AnySchema, code: ErrorCode, timeCode: ErrorCode = 'bad-time'): Validator {
  // Compiled on first use: a command pays only for the schemas of the inputs it reads.
  let validate: ReturnType<typeof ajv.compile> | undefined;
  return (doc, file) => {
    validate ??= ajv.compile(schema);
    if (validate(doc.value)) return [];
    const seen = new Set<string>();
    const out: Problem[] = [];
    for (const err of pickErrors(validate.errors ?? [])) {
      const isTime = err.keyword === 'format' && (err.params as { format?: string }).format === 'rfc3339';
      const text = isTime ? `${err.instancePath}: not an RFC 3339 time with a time zone` : describe(err);
      if (seen.has(text)) continue;
      seen.add(text);
      out.push(problem(isTime ? timeCode : code, file, doc.lineOf(err.instancePath), text));
    }
    return out;
  };
}

/**
 * With oneOf/anyOf, ajv reports every branch's errors; keep those of the branch that got
 * furthest (deepest paths), which is the branch the author meant.
 */
function pickErrors(errors: ErrorObject[]): ErrorObject[] {
  const concrete = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if' && e.keyword !== 'propertyNames');
  // Type errors of several branches at one path read as one: "must be string or array".
  const types = new Map<string, ErrorObject>();
  const out: ErrorObject[] = [];
  for (const e of concrete.length > 0 ? concrete : errors) {
    if (e.keyword !== 'type') { out.push(e); continue; }
    const seen = types.get(e.instancePath);
    if (seen) seen.message = `${seen.message} or ${String((e.params as { type: unknown }).type)}`;
    else {
      const merged = { ...e, message: `must be ${String((e.params as { type: unknown }).type)}` };
      types.set(e.instancePath, merged);
      out.push(merged);
    }
  }
  return out;
}
