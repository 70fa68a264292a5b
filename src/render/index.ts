// Picks a renderer by name: adding a format is one new file and one line here.

import { BlockgateError } from '../errors.js';
import { githubRenderer } from './github.js';
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
};

export const FORMATS = Object.keys(RENDERERS);

/** The formats that can render this kind of result, for --help. */
export function formatsFor(result: keyof Renderer): string[] {
  return FORMATS.filter((f) => typeof RENDERERS[f]![result] === 'function');
}

export function getRenderer(format: string): Renderer {
  const renderer = Object.hasOwn(RENDERERS, format) ? RENDERERS[format] : undefined;
  if (!renderer) throw new BlockgateError('usage', `unknown --format '${format}'; known formats: ${FORMATS.join(', ')}`);
  return renderer;
}

export type { Renderer, RenderContext, Report, Finding, CheckResult, BlockerInfo, MatrixDetail, ReadinessReport } from './renderer.js';
