// The HTTP edge: OPA's Data API over the library. POST /v1/data/blockgate/{decision,plan,matrix}
// with {"input": ...} answers {"result": ..., "decision_id": ...}; errors are OPA's
// {"code", "message"}; GET /health is 200 only while the loaded inputs are valid.

import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifySchemaValidationError } from 'fastify';
import { BlockgateError, isInputError } from '../errors.js';
import { resolveTime } from '../gate/request.js';
import { briefDecision } from '../gate/decision.js';
import type { Decision, Request } from '../gate/types.js';
import { parseJson } from '../load/json.js';
import { formatTime } from '../schema/time.js';
import type { DecisionLog } from '../decision-log/writer.js';
import type { LiveGate } from '../live-gate.js';

import { DEFAULT_BODY_LIMIT } from './defaults.js';

export { DEFAULT_BODY_LIMIT };

/** The policy paths served under /v1/data/, as OPA clients name them. */
export const DATA_PATHS = ['blockgate/decision', 'blockgate/plan', 'blockgate/matrix'] as const;

export interface AppOptions {
  live: LiveGate;
  decisionLog?: DecisionLog | undefined;
  /** Largest request body in bytes; larger is 413. Default 64 KiB. */
  bodyLimit?: number;
  /** Told about failures that are not the client's (500s), which the client sees only as a code. */
  onInternalError?: (error: unknown) => void;
}

/** OPA's error codes (server/types), as its clients expect them. */
const OPA_CODE = { 400: 'invalid_parameter', 404: 'resource_not_found', 413: 'invalid_parameter', 500: 'internal_error', 503: 'unavailable' } as const;

interface OpaError { code: string; message: string }

const requestInput = {
  type: 'object',
  additionalProperties: false,
  required: ['action', 'environment'],
  properties: {
    action: { type: 'string', minLength: 1 },
    environment: { type: 'string', minLength: 1 },
    target: { type: ['string', 'null'], minLength: 1 },
    at: { type: 'string' },
  },
} as const;

const requestBody = {
  type: 'object', additionalProperties: false, required: ['input'], properties: { input: requestInput },
} as const;

const matrixBody = {
  type: 'object',
  additionalProperties: false,
  properties: { input: { type: 'object', additionalProperties: false, properties: { at: { type: 'string' } } } },
} as const;

interface RequestInput { action: string; environment: string; target?: string | null; at?: string }

/**
 * `?answer=`: the full decision (default), or `brief` (briefDecision: the lists counted, not
 * listed). OPA's own parameters (`pretty`, `metrics`, ...) are let through, as before.
 */
const decisionQuery = {
  type: 'object', properties: { answer: { type: 'string', enum: ['full', 'brief'] } },
} as const;

/**
 * JSON text of the frozen arrays of memoised answers, made once per array: a decision's lists are
 * shared between every request the memo serves, so a steady server serialises a big answer once,
 * not per request. Anything not frozen is serialised afresh.
 */
const arrayTexts = new WeakMap<readonly unknown[], string>();

function arrayText(list: readonly unknown[]): string {
  if (!Object.isFrozen(list)) return JSON.stringify(list);
  let text = arrayTexts.get(list);
  if (text === undefined) {
    text = JSON.stringify(list);
    arrayTexts.set(list, text);
  }
  return text;
}

/** JSON.stringify's text of a result object (plain data), its top-level arrays through arrayText. */
function resultText(result: object): string {
  const members: string[] = [];
  for (const [key, value] of Object.entries(result)) {
    if (value === undefined) continue;
    members.push(`${JSON.stringify(key)}:${Array.isArray(value) ? arrayText(value) : JSON.stringify(value)}`);
  }
  return `{${members.join(',')}}`;
}

/** The library request; `at` is resolved here so that a bad time names the body's field. */
function requestOf(input: RequestInput): Request {
  const request: Request = { action: input.action, environment: input.environment, at: resolveTime(input.at, 'input.at') };
  if (input.target !== undefined) request.target = input.target;
  return request;
}

/** Fastify's validation errors, worded like blockgate's own schema messages. */
function schemaErrorText(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const text = errors.map((e) => {
    const at = `${dataVar}${e.instancePath}`;
    const params = e.params as { additionalProperty?: string; missingProperty?: string };
    if (e.keyword === 'additionalProperties') return `${at}: unknown field "${params.additionalProperty}"`;
    if (e.keyword === 'required') return `${at}: missing required field "${params.missingProperty}"`;
    return `${at}: ${e.message ?? e.keyword}`;
  }).join('; ');
  return new Error(text);
}

/** OPA clients percent-encode the policy path ("blockgate%2Fdecision"); OPA itself accepts both. */
function decodedDataPath(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (!path.startsWith('/v1/data/')) return url;
  return `${path.replace(/%2F/gi, '/')}${q < 0 ? '' : url.slice(q)}`;
}

export function buildApp(opts: AppOptions): FastifyInstance {
  const { live, decisionLog } = opts;
  const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({
    logger: false,
    bodyLimit,
    rewriteUrl: (req) => decodedDataPath(req.url ?? '/'),
    routerOptions: { ignoreTrailingSlash: true },
    // The framework's validator checks the body's shape only; blockgate checks the rest.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false } },
    return503OnClosing: true,
  });
  app.setSchemaErrorFormatter(schemaErrorText);

  // Any content type is read as JSON, as OPA does (curl -d sends form-urlencoded), and by
  // blockgate's strict reader: duplicate keys are refused, `__proto__` stays data.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJson(body as string, 'request body', { code: 'bad-request' }).value);
    } catch (e) {
      done(e as Error, undefined);
    }
  });

  const send = (status: keyof typeof OPA_CODE, message: string): [number, OpaError] => [status, { code: OPA_CODE[status], message }];

  app.setErrorHandler((error: FastifyError | BlockgateError, _req, reply) => {
    const [status, body] = errorResponse(error, bodyLimit, send, opts.onInternalError);
    void reply.code(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    const [status, body] = send(404, `${req.method} ${req.url.split('?')[0]}: no such document; blockgate serves POST ${DATA_PATHS.map((p) => `/v1/data/${p}`).join(', ')} and GET /health`);
    void reply.code(status).send(body);
  });

  app.get('/health', async (_req, reply) => {
    const status = live.status;
    if (status.ready) return {};
    const [code, body] = send(503, `the inputs on disk are invalid since ${formatTime(status.since)}, and every decision is denied: ${status.error.code}: ${status.error.message}`);
    return reply.code(code).send(body);
  });

  // Each handler reads the status once: its whole answer comes from one loaded state.
  app.post<{ Body: { input: RequestInput }; Querystring: { answer?: 'full' | 'brief' } }>('/v1/data/blockgate/decision', {
    schema: { body: requestBody, querystring: decisionQuery },
  }, async (req, reply) => {
    const decisionId = randomUUID();
    const { result, draft } = live.decide(requestOf(req.body.input), decisionId);
    // A decision that cannot be logged is not given (the error handler answers 500).
    if (decisionLog) await decisionLog.append(draft);
    const answer = req.query.answer === 'brief' && !('error' in result) ? briefDecision(result as Decision) : result;
    // The same bytes as JSON.stringify({result, decision_id}), the memoised lists serialised once.
    return reply.type('application/json; charset=utf-8').send(`{"result":${resultText(answer)},"decision_id":${JSON.stringify(decisionId)}}`);
  });

  app.post<{ Body: { input: RequestInput } }>('/v1/data/blockgate/plan', { schema: { body: requestBody } }, async (req) => {
    return { result: live.plan(requestOf(req.body.input)), decision_id: randomUUID() };
  });

  app.post<{ Body: { input?: { at?: string } } }>('/v1/data/blockgate/matrix', { schema: { body: matrixBody } }, async (req) => {
    return { result: live.matrix(resolveTime(req.body?.input?.at, 'input.at')), decision_id: randomUUID() };
  });

  return app;
}

function errorResponse(
  error: FastifyError | BlockgateError,
  bodyLimit: number,
  send: (status: keyof typeof OPA_CODE, message: string) => [number, OpaError],
  onInternalError: ((error: unknown) => void) | undefined,
): [number, OpaError] {
  if (error instanceof BlockgateError) {
    // The request's own faults (unknown action, bad time, malformed JSON) are the client's.
    if (isInputError(error.code)) return send(400, `${error.code}: ${error.message}`);
    onInternalError?.(error);
    // A decision that could not be logged is not given: the client sees an error, never an answer.
    return send(500, error.code === 'io' ? `the decision could not be logged, so it is not given: ${error.message}` : `${error.code}: ${error.message}`);
  }
  if (error.validation) return send(400, `bad-request: ${error.message}`);
  if (error.statusCode === 413) return send(413, `the request body is over the ${bodyLimit}-byte limit`);
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return [error.statusCode, { code: OPA_CODE[400], message: error.message }];
  }
  onInternalError?.(error);
  // Never a stack trace, and no internal detail beyond the message.
  return send(500, 'internal error; see the server log');
}
