// Blocker maps: patterns to files, files to validated, normalised blockers (SPEC 1.1, 1.2).

import { existsSync, realpathSync, statSync } from 'node:fs';
import fg from 'fast-glob';
import { BlockgateError, problem, type Problem } from '../errors.js';
import { parseJson, type ParsedJson } from './json.js';
import { readTextFile } from './files.js';
import { validateBlockerMap } from '../schema/schemas.js';
import type { BlockerMapFile, RawBlocker } from '../schema/types.js';
import { normaliseTags, parseActors, type RoleMode } from '../schema/normalise.js';
import { canonicalJson } from '../ledger/canonical.js';

export interface Blocker {
  id: string;
  item: string | null;
  evidence: string | null;
  next_action: string | null;
  /** As written in the map. */
  actor_needed: string | string[];
  tags: string[];
  roles: string[];
  mode: RoleMode;
  problem?: 'no-role' | 'ambiguous-actor';
  evidence_required: boolean;
  after: string[];
  /** The map file it came from, and where in it ("map.json line 12", for messages). */
  source: string;
  line: number;
  where: string;
}

export interface MapInfo {
  file: string;
  /** Every top-level field but `blockers`: shown, never decisive (except resolved_in_this_macro). */
  metadata: Record<string, unknown>;
}

export interface BlockerSet {
  blockers: Map<string, Blocker>;
  /** Union of every loaded map's resolved_in_this_macro, with the file that declared it. */
  resolved: Map<string, string>;
  maps: MapInfo[];
}

/** Expands `--blockers` values: an existing file is taken as is, anything else as a glob. */
export function expandMapPatterns(patterns: readonly string[]): string[] {
  if (patterns.length === 0) throw new BlockgateError('usage', '--blockers is required (a file path or glob pattern)');
  const files: string[] = [];
  const seen = new Set<string>();
  for (const pattern of patterns) {
    const matched = isFile(pattern) ? [pattern] : fg.sync(pattern, { onlyFiles: true, dot: false, unique: true }).sort();
    if (matched.length === 0) {
      throw new BlockgateError('map-none', `${pattern}: no blocker map matches this path or pattern`, { file: pattern });
    }
    for (const file of matched) {
      const real = realpathSync(file);
      if (seen.has(real)) continue;
      seen.add(real);
      files.push(file);
    }
  }
  return files;
}

function isFile(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}

export interface MapsResult {
  set: BlockerSet;
  problems: Problem[];
}

/** Loads every map, collecting every problem (validate lists them all; decisions use the first). */
export function loadBlockerMaps(files: readonly string[]): MapsResult {
  const problems: Problem[] = [];
  const set: BlockerSet = { blockers: new Map(), resolved: new Map(), maps: [] };
  const raws = new Map<string, { raw: RawBlocker; file: string; line: number }>();
  for (const file of files) {
    let doc: ParsedJson;
    try {
      doc = parseJson(readTextFile(file, 'map-parse'), file, { code: 'map-parse' });
    } catch (e) {
      if (e instanceof BlockgateError) { problems.push(...e.problems); continue; }
      throw e;
    }
    const schemaProblems = validateBlockerMap(doc, file);
    if (schemaProblems.length > 0) { problems.push(...schemaProblems); continue; }
    const map = doc.value as BlockerMapFile;
    const { blockers, ...metadata } = map;
    set.maps.push({ file, metadata });
    for (const id of map.resolved_in_this_macro ?? []) if (!set.resolved.has(id)) set.resolved.set(id, file);
    const inThisFile = new Map<string, number>();
    blockers.forEach((raw, index) => {
      const line = doc.lineOf(`/blockers/${index}`);
      const earlierLine = inThisFile.get(raw.id);
      if (earlierLine !== undefined) {
        problems.push(problem('map-conflict', file, line, `blocker ${raw.id} appears again (first on line ${earlierLine}); ids must be unique`));
        return;
      }
      inThisFile.set(raw.id, line);
      const earlier = raws.get(raw.id);
      if (earlier) {
        if (canonicalJson(earlier.raw) !== canonicalJson(raw)) {
          problems.push(problem('map-conflict', file, line,
            `blocker ${raw.id} differs from the one in ${earlier.file} line ${earlier.line}; the same id must describe the same blocker`));
        }
        return;
      }
      raws.set(raw.id, { raw, file, line });
      set.blockers.set(raw.id, normaliseBlocker(raw, file, line));
    });
  }
  return { set, problems };
}

function normaliseBlocker(raw: RawBlocker, source: string, line: number): Blocker {
  const actors = parseActors(raw.actor_needed);
  const blocker: Blocker = {
    id: raw.id,
    item: raw.item ?? null,
    evidence: raw.evidence ?? null,
    next_action: raw.next_action ?? null,
    actor_needed: raw.actor_needed,
    tags: normaliseTags(raw.blocks),
    roles: actors.roles,
    mode: actors.mode,
    evidence_required: raw.evidence_required ?? false,
    after: raw.after ?? [],
    source,
    line,
    where: `${source} line ${line}`,
  };
  if (actors.problem) blocker.problem = actors.problem;
  return blocker;
}
