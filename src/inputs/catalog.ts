// The catalog of actions and environments and their tags (SPEC 1.3).

import { BlockgateError } from '../errors.js';
import { parseJson } from '../load/json.js';
import { readTextFile } from '../load/files.js';
import { validateCatalog } from '../schema/schemas.js';
import type { CatalogFile } from '../schema/types.js';
import { normaliseTags } from '../schema/normalise.js';

export type Catalog = CatalogFile;

export const DEFAULT_CATALOG: Catalog = {
  actions: {
    apply: { tags: ['apply'] },
    cutover: { tags: ['cutover'] },
    permit: { tags: ['permit'] },
    activation: { tags: ['activation'] },
    repoint: { tags: ['repoint'] },
    'real-run': { tags: ['real-run'] },
    'ci-enforcement': { tags: ['production-ci'] },
  },
  environments: {
    production: { tags: ['production'] },
    staging: { tags: [] },
    development: { tags: [] },
  },
};

/** Reads and validates a catalog file; tags are normalised as `blocks` tags are. */
export function loadCatalog(file: string | undefined): Catalog {
  if (file === undefined) return DEFAULT_CATALOG;
  const doc = parseJson(readTextFile(file, 'catalog-parse'), file, { code: 'catalog-parse' });
  const problems = validateCatalog(doc, file);
  if (problems.length > 0) throw BlockgateError.fromProblems(problems);
  const raw = doc.value as CatalogFile;
  const normalise = (names: CatalogFile['actions']) =>
    Object.fromEntries(Object.entries(names).map(([name, { tags }]) => [name, { tags: normaliseTags(tags) }]));
  return { actions: normalise(raw.actions), environments: normalise(raw.environments) };
}
