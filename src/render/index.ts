// Picks a renderer by name: adding a format is one new file and one line here.

import { BlockgateError } from '../errors.js';
import { githubRenderer } from './github.js';
import { htmlRenderer } from './html.js';
import { jsonRenderer } from './json.js';
import { junitRenderer } from './junit.js';
import { sarifRenderer } from './sarif.js';
import { textRenderer } from './text.js';
import type { Renderer } from './renderer.js';

const RENDERERS: Record<string, Renderer> = {
  text: textRenderer,
  json: jsonRenderer,
  junit: junitRenderer,
  github: githubRenderer,
  sarif: sarifRenderer,
  html: htmlRenderer,
};

/**
 * The --format values: the renderers that render errors too, as SPEC 3 asks of every output
 * format. `html` is the report's page (`report --html FILE`), never a command's output.
 */
export const FORMATS = Object.keys(RENDERERS).filter((name) => typeof RENDERERS[name]!.error === 'function');

/** The formats that can render this kind of result, for --help. */
export function formatsFor(result: keyof Renderer): string[] {
  return FORMATS.filter((f) => typeof RENDERERS[f]![result] === 'function');
}

function unknownFormat(format: string): BlockgateError {
  return new BlockgateError('usage', `unknown --format '${format}'; known formats: ${FORMATS.join(', ')}`);
}

/** Any registered renderer: a --format, or `html`. */
export function getRenderer(name: string): Renderer {
  const renderer = Object.hasOwn(RENDERERS, name) ? RENDERERS[name] : undefined;
  if (!renderer) throw unknownFormat(name);
  return renderer;
}

/** The renderer of a --format value; `html` is not one. */
export function formatRenderer(format: string): Renderer {
  if (!FORMATS.includes(format)) throw unknownFormat(format);
  return getRenderer(format);
}

export type {
  Renderer, RenderContext, RuleMeta, Report, Finding, CheckResult, BlockerInfo, MatrixDetail, MatrixResult, WhatIfResult, ReadinessReport,
} from './renderer.js';
