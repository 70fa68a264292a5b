// Validators compiled ahead of time, by the key of their schema (schemaKey in ajv.ts). From
// source this is empty and every schema compiles on first use; the command-line bundle
// (tools/build/bundle-cli.mjs) replaces this module with ajv standalone code generated from the
// same schemas (tools/build/validators.mjs), so a run of the CLI compiles nothing. A schema
// whose key is not here (changed since the build) compiles at run time as before.

import type { PrecompiledValidate } from './ajv.js';

export const PRECOMPILED: ReadonlyMap<string, PrecompiledValidate> = new Map();
