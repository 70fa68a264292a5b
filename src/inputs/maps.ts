// Blocker maps: patterns to files, files to validated, normalised blockers (SPEC 1.1, 1.2).

import { readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { BlockgateError, problem, type Problem } from '../errors.js';
import { parseJson, type ParsedJson } from '../load/json.js';
import { danglingTarget, exists, readInput, STDIN_PATH, type StdinReader } from '../load/files.js';
import { validateBlockerMap } from '../schema/schemas.js';
import type { BlockerMapFile, RawBlocker } from '../schema/types.js';
import { normaliseTags, parseActors, type RoleMode } from '../schema/normalise.js';
import { canonicalJson } from '../schema/canonical.js';
import { fastGlob as fg } from '../load/lazy-module.js';

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

/**
 * Expands `--blockers` values into the entries to read, in order, each real file once. An
 * existing path (a file, or anything else: a dangling link, a directory, a FIFO) is taken as it
 * is, so that reading it reports what it is; anything else is a glob pattern, walked by
 * walkPattern. `-` is standard input, at most once.
 */
export function expandMapPatterns(patterns: readonly string[]): string[] {
  if (patterns.length === 0) throw new BlockgateError('usage', '--blockers is required (a file path or glob pattern)');
  if (patterns.filter((p) => p === STDIN_PATH).length > 1) {
    throw new BlockgateError('usage', `--blockers ${STDIN_PATH} was given more than once; standard input holds one map`);
  }
  const files: string[] = [];
  const seen = new Set<string>();
  for (const pattern of patterns) {
    if (pattern === STDIN_PATH) { files.push(pattern); continue; }
    const matched = isDirectory(pattern) ? matchDirectory(pattern) : exists(pattern) ? [pattern] : matchPattern(pattern);
    for (const file of matched) {
      const identity = realOrSame(file);
      if (seen.has(identity)) continue;
      seen.add(identity);
      files.push(file);
    }
  }
  return files;
}

function matchPattern(pattern: string, none?: { name: string; what: string }): string[] {
  const expanded = fg().generateTasks([pattern]).flatMap((task) => task.positive);
  const matched = [...new Set(expanded.flatMap((p) => walkPattern(p)))].sort();
  if (matched.length === 0) {
    // A plain path that is not there is not found; a pattern (or a directory) matched nothing.
    const name = none?.name ?? pattern;
    const what = none?.what ?? (fg().isDynamicPattern(pattern) ? 'no blocker map matches this path or pattern' : 'not found');
    throw new BlockgateError('map-none', `${name}: ${what}`, { file: name });
  }
  return matched;
}

/**
 * `--blockers DIR`: every `*.json` under DIR, at any depth, walked as the pattern DIR, globstar, `*.json` (so a
 * dangling link or an unreadable entry under it is still reported, and a loop walked once).
 */
function matchDirectory(dir: string): string[] {
  const base = dir.replace(/\/+$/, '') || '/';
  return matchPattern(`${fg().escapePath(base)}/**/*.json`, { name: dir, what: 'a directory with no *.json blocker map under it' });
}

/** Whether `path` is a directory (or a link to one). */
function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The real path, or the path itself when it does not resolve (reading it will say why). */
function realOrSame(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * The leading part of a path that is a link to nowhere (`maps/team` in `maps/team/*.json`), if
 * any: what the path names lies behind it, so it is reported rather than "nothing matched".
 */
function danglingAncestor(path: string): string | undefined {
  const parts = path.split('/');
  for (let n = 1; n <= parts.length; n++) {
    const prefix = parts.slice(0, n).join('/');
    if (prefix === '') continue;
    if (!exists(prefix)) return undefined;
    if (danglingTarget(prefix) !== undefined && !resolves(prefix)) return prefix;
  }
  return undefined;
}

function resolves(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function orDanglingAncestor(path: string): string[] {
  const link = danglingAncestor(path);
  return link === undefined ? [] : [link];
}

/** One step of a pattern below its static start: a glob segment, `**`, or a literal `.`/`..`. */
type Segment = { kind: 'globstar' } | { kind: 'literal'; name: string } | { kind: 'glob'; pattern: string };

/**
 * The entries a glob pattern (braces already expanded) names, walked by hand rather than by
 * fast-glob, which drops what it cannot read and follows a link loop for ever. Links are
 * followed; a directory is walked once for each state of the pattern it is reached in (keyed by
 * device and inode), so a loop ends. Reported, not dropped: every entry the pattern matches that
 * is not a regular file (a dangling link, a directory, a FIFO: reading it says what it is; only a
 * final `**` names directories without reporting them), and every entry below which a match could
 * lie but that cannot be followed or listed.
 * Names are matched one segment at a time by fast-glob itself, so the syntax is fast-glob's.
 */
export function walkPattern(pattern: string): string[] {
  const parts = pattern.split('/');
  const absolute = parts[0] === '';
  const steps = parts.filter((p) => p !== '');
  const firstGlob = steps.findIndex((p) => fg().isDynamicPattern(p));
  if (firstGlob < 0) return exists(pattern) ? [pattern] : orDanglingAncestor(pattern);
  const startSteps = steps.slice(0, firstGlob);
  const start = absolute ? `/${startSteps.join('/')}` : startSteps.length > 0 ? startSteps.join('/') : '.';
  const segments: Segment[] = steps.slice(firstGlob).map((p) =>
    p === '**' ? { kind: 'globstar' } : p === '.' || p === '..' ? { kind: 'literal', name: p } : { kind: 'glob', pattern: p });

  const endsInGlobstar = segments.at(-1)?.kind === 'globstar';
  const found: string[] = [];
  const walked = new Set<string>();
  const closure = (states: Iterable<number>): number[] => {
    const out = new Set<number>();
    for (let s of states) {
      out.add(s);
      // `**` also matches no segment at all.
      while (s < segments.length && segments[s]!.kind === 'globstar') out.add(++s);
    }
    return [...out].sort((a, b) => a - b);
  };

  const walk = (dir: string, states: number[]): void => {
    let st: Stats;
    try {
      st = statSync(dir);
    } catch {
      found.push(dir); // gone since it was seen: reading it reports why
      return;
    }
    // The states still to match below it: reaching it as a match itself walks nothing new.
    const key = `${st.dev}:${st.ino}:${states.filter((s) => s < segments.length).join(',')}`;
    if (walked.has(key)) return;
    walked.add(key);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      // Matches could lie in it, but it cannot be listed: reading it reports why.
      found.push(dir);
      return;
    }
    const matchedBy = new Map<number, Set<string>>();
    const candidates = new Set(names);
    for (const s of states) {
      const seg = segments[s];
      if (seg?.kind === 'literal') candidates.add(seg.name);
      if (seg?.kind === 'glob') {
        matchedBy.set(s, new Set(fg().sync(seg.pattern, { cwd: dir, deep: 1, onlyFiles: false, followSymbolicLinks: false, dot: false })));
      }
    }
    for (const name of [...candidates].sort()) {
      const next = closure(states.flatMap((s): number[] => {
        const seg = segments[s];
        if (seg === undefined) return [];
        if (seg.kind === 'globstar') return name.startsWith('.') ? [] : [s];
        if (seg.kind === 'literal') return seg.name === name ? [s + 1] : [];
        return matchedBy.get(s)?.has(name) ? [s + 1] : [];
      }));
      if (next.length === 0) continue;
      const path = dir === '.' ? name : dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
      const complete = next.includes(segments.length);
      const deeper = next.filter((s) => s < segments.length);
      let target: Stats | undefined;
      try {
        target = statSync(path);
      } catch {
        target = undefined;
      }
      if (target === undefined) {
        if (complete || deeper.length > 0) found.push(path);
      } else if (target.isDirectory()) {
        // A directory the whole pattern names is reported (`*.json` naming `old.json/`), except
        // under a final `**`, which names every directory it walks into.
        if (complete && !endsInGlobstar) found.push(path);
        if (deeper.length > 0) walk(path, deeper);
      } else if (complete) {
        found.push(path);
      }
    }
  };

  let startStat: Stats | undefined;
  try {
    startStat = statSync(start);
  } catch {
    startStat = undefined;
  }
  // No start directory: nothing matches (map-none), unless a link to nowhere is in the way.
  if (startStat === undefined) return exists(start) ? [start] : orDanglingAncestor(start);
  if (!startStat.isDirectory()) return [];
  walk(start, closure([0]));
  return found;
}

/** Where `-` reads from: the library's caller supplies standard input (the CLI reads fd 0). */
export interface MapSourceOptions {
  stdin?: StdinReader;
}

/**
 * `--blockers` values to loaded maps: expanded (an error if a pattern matches nothing), then
 * every map read, with every problem collected.
 */
export function loadBlockerMapsFrom(patterns: readonly string[], options: MapSourceOptions = {}): MapsResult {
  return loadBlockerMaps(expandMapPatterns(patterns), options);
}

export interface MapsResult {
  set: BlockerSet;
  problems: Problem[];
}

/** Loads every map, collecting every problem (validate lists them all; decisions use the first). */
export function loadBlockerMaps(files: readonly string[], options: MapSourceOptions = {}): MapsResult {
  const problems: Problem[] = [];
  const set: BlockerSet = { blockers: new Map(), resolved: new Map(), maps: [] };
  const raws = new Map<string, { raw: RawBlocker; file: string; line: number }>();
  for (const path of files) {
    let doc: ParsedJson;
    let file = path;
    try {
      const input = readInput(path, 'map-parse', options.stdin);
      file = input.name;
      doc = parseJson(input.text, file, { code: 'map-parse' });
    } catch (e) {
      // A second '-', or no standard input at all, is the command line's mistake, not the map's.
      if (e instanceof BlockgateError && e.code !== 'usage') { problems.push(...e.problems); continue; }
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
