// The one JSON-schema validator set: every input schema is compiled by one Ajv instance, or was
// compiled ahead of time from the same schema with the same options (./precompiled.ts).

import type { Ajv as AjvInstance, ErrorObject, AnySchema } from 'ajv';
import type { ParsedJson } from '../load/json.js';
import { problem, type ErrorCode, type Problem } from '../errors.js';
import { quoted } from '../quote.js';
import { sha256Hex } from './canonical.js';
import { AJV_OPTIONS, FORMATS } from './formats.js';
import { PRECOMPILED } from './precompiled.js';
import { lazyModule } from '../load/lazy-module.js';

/** A validation function as ajv compiles it: true when valid, else its errors on `.errors`. */
export interface PrecompiledValidate {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

// ajv is loaded, and its instance made, only when a schema has no precompiled validator: a run
// of the bundled CLI then never evaluates ajv's compiler at all (issue 13).
const ajvModule = lazyModule<typeof import('ajv')>('ajv');
let ajv: AjvInstance | undefined;
function runtimeAjv(): AjvInstance {
  if (ajv !== undefined) return ajv;
  ajv = new (ajvModule().Ajv)(AJV_OPTIONS);
  for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, format);
  return ajv;
}

/** A schema's key among the precompiled validators: any change to the schema changes it. */
export function schemaKey(schema: AnySchema): string {
  return sha256Hex(JSON.stringify(schema));
}

const schemas: AnySchema[] = [];
/** Every schema given to compileValidator so far, in order: what the build precompiles. */
export function compiledSchemas(): readonly AnySchema[] {
  return schemas;
}

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
  schemas.push(schema);
  // Compiled on first use: a command pays only for the schemas of the inputs it reads.
  let validate: PrecompiledValidate | undefined;
  return (doc, file) => {
    validate ??= PRECOMPILED.get(schemaKey(schema)) ?? runtimeAjv().compile(schema);
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
