// Picks a renderer by name: adding a format is one new file and one line here.

import { BlockgateError } from '../errors.js';
import { jsonRenderer } from './json.js';
import { textRenderer } from './text.js';
import type { Renderer } from './renderer.js';

const RENDERERS: Record<string, Renderer> = {
  text: textRenderer,
  json: jsonRenderer,
};

export const FORMATS = Object.keys(RENDERERS);

export function getRenderer(format: string): Renderer {
  const renderer = Object.hasOwn(RENDERERS, format) ? RENDERERS[format] : undefined;
  if (!renderer) throw new BlockgateError('usage', `unknown --format '${format}'; known formats: ${FORMATS.join(', ')}`);
  return renderer;
}

export type { Renderer, RenderContext, Report, Finding, CheckResult } from './renderer.js';
