// A CommonJS dependency loaded on first use instead of at start-up (issue 13): the command line
// pays for fast-glob only when a pattern is expanded, and for ajv's compiler only when a schema
// was not precompiled. Node resolves it from here, from dist/ or from the bundle alike.

import { createRequire } from 'node:module';
import type FastGlob from 'fast-glob';

const requireHere = createRequire(import.meta.url);

/** A getter for `specifier`'s module.exports, which loads it the first time it is called. */
export function lazyModule<T>(specifier: string): () => T {
  let loaded: { module: T } | undefined;
  return () => (loaded ??= { module: requireHere(specifier) as T }).module;
}

/** fast-glob, for every module that expands or escapes a pattern: one getter, one copy outside the bundle. */
export const fastGlob = lazyModule<typeof FastGlob>('fast-glob');
