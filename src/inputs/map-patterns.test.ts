// SPEC 1.1: nothing a path or pattern names is skipped silently; a symlink loop is walked once.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import fg from 'fast-glob';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandMapPatterns, loadBlockerMaps, loadBlockerMapsFrom, walkPattern } from './maps.js';
import { thrown } from '../../test/support/thrown.js';

const root = mkdtempSync(join(tmpdir(), 'blockgate-patterns-'));
let fresh = 0;
/** A new directory of its own for each case. */
const space = () => {
  const d = join(root, `case-${++fresh}`);
  mkdirSync(d);
  return d;
};
const map = (id: string) => `${JSON.stringify({ blockers: [{ id, actor_needed: 'owner', blocks: 'apply' }] })}\n`;
const mkfifo = (path: string) => execFileSync('mkfifo', [path]);

describe('a glob never drops what it matches', () => {
  it('issue 9: maps/*.json matching a dangling link (to ../team/prod.json, team gone) is map-parse naming the link and its target', () => {
    const d = space();
    mkdirSync(join(d, 'maps'));
    writeFileSync(join(d, 'maps/base.json'), map('B-BASE'));
    symlinkSync('../team/prod.json', join(d, 'maps/prod.json'));
    const result = loadBlockerMapsFrom([`${d}/maps/*.json`]);
    expect(result.problems).toEqual([{
      code: 'map-parse', file: `${d}/maps/prod.json`,
      message: `${d}/maps/prod.json: a dangling symbolic link (to ../team/prod.json): what it points to does not exist`,
    }]);
    expect([...result.set.blockers.keys()]).toEqual(['B-BASE']);
  });

  it('the same link named literally is map-parse too, not map-none', () => {
    const d = space();
    symlinkSync('../team/prod.json', join(d, 'prod.json'));
    expect(expandMapPatterns([`${d}/prod.json`])).toEqual([`${d}/prod.json`]);
    expect(loadBlockerMaps([`${d}/prod.json`]).problems.map((p) => p.code)).toEqual(['map-parse']);
  });

  it('a directory, a link to a directory and a FIFO matched by *.json are each map-parse saying what they are', () => {
    const d = space();
    mkdirSync(join(d, 'dir.json'));
    mkdirSync(join(d, 'elsewhere'));
    symlinkSync('elsewhere', join(d, 'link.json'));
    mkfifo(join(d, 'pipe.json'));
    const { problems } = loadBlockerMapsFrom([`${d}/*.json`]);
    expect(problems).toEqual([
      { code: 'map-parse', file: `${d}/dir.json`, message: `${d}/dir.json: a directory, not a regular file` },
      { code: 'map-parse', file: `${d}/link.json`, message: `${d}/link.json: a directory, not a regular file` },
      { code: 'map-parse', file: `${d}/pipe.json`, message: `${d}/pipe.json: a FIFO (named pipe), not a regular file` },
    ]);
  });

  it('a link loop (a -> b -> a) matched by the pattern is map-parse, never followed for ever', () => {
    const d = space();
    symlinkSync('b.json', join(d, 'a.json'));
    symlinkSync('a.json', join(d, 'b.json'));
    const { problems } = loadBlockerMapsFrom([`${d}/*.json`]);
    expect(problems.map((p) => [p.code, p.message])).toEqual([
      ['map-parse', `${d}/a.json: a symbolic link loop: it never reaches a file`],
      ['map-parse', `${d}/b.json: a symbolic link loop: it never reaches a file`],
    ]);
  });

  it('under **, a dangling link that could hold maps is reported even though its own name does not match', () => {
    const d = space();
    mkdirSync(join(d, 'maps'));
    writeFileSync(join(d, 'maps/a.json'), map('B-A'));
    symlinkSync('../team-not-mounted', join(d, 'maps/team'));
    expect(expandMapPatterns([`${d}/maps/**/*.json`])).toEqual([`${d}/maps/a.json`, `${d}/maps/team`]);
  });

  it('a dangling link that no match could lie behind is not a map (maps/*.json and maps/notes)', () => {
    const d = space();
    writeFileSync(join(d, 'a.json'), map('B-A'));
    symlinkSync('gone', join(d, 'notes'));
    expect(expandMapPatterns([`${d}/*.json`])).toEqual([`${d}/a.json`]);
  });

  it('a link to nowhere in the fixed part of a pattern is reported, not "nothing matches"', () => {
    const d = space();
    symlinkSync('../gone', join(d, 'team'));
    expect(expandMapPatterns([`${d}/team/*.json`])).toEqual([`${d}/team`]);
    expect(expandMapPatterns([`${d}/team/sub/*.json`])).toEqual([`${d}/team`]);
    expect(expandMapPatterns([`${d}/team/sub/prod.json`])).toEqual([`${d}/team`]);
    const { problems } = loadBlockerMapsFrom([`${d}/team/sub/*.json`]);
    expect(problems.map((p) => [p.code, p.message])).toEqual([
      ['map-parse', `${d}/team: a dangling symbolic link (to ../gone): what it points to does not exist`],
    ]);
  });

  it('a pattern that matches nothing stays map-none, naming the pattern', () => {
    const d = space();
    mkdirSync(join(d, 'empty'));
    for (const pattern of [`${d}/empty/*.json`, `${d}/missing/**/*.json`]) {
      const e = thrown(() => expandMapPatterns([pattern]));
      expect([e.code, e.message]).toEqual(['map-none', `${pattern}: no blocker map matches this path or pattern`]);
    }
    // A plain path (no glob) that is not there: not found (issue 12).
    const e = thrown(() => expandMapPatterns([`${d}/missing.json`]));
    expect([e.code, e.message]).toEqual(['map-none', `${d}/missing.json: not found`]);
  });

  it('the subdirectories ** walks into are not reported as maps, and dot entries stay out as with fast-glob', () => {
    const d = space();
    mkdirSync(join(d, 'maps/sub'), { recursive: true });
    mkdirSync(join(d, 'maps/.hidden'));
    writeFileSync(join(d, 'maps/sub/a.json'), map('B-A'));
    writeFileSync(join(d, 'maps/.hidden/b.json'), map('B-B'));
    writeFileSync(join(d, 'maps/.c.json'), map('B-C'));
    expect(expandMapPatterns([`${d}/maps/**`])).toEqual([`${d}/maps/sub/a.json`]);
    expect(expandMapPatterns([`${d}/maps/**/*.json`])).toEqual([`${d}/maps/sub/a.json`]);
    expect(expandMapPatterns([`${d}/maps/.*.json`])).toEqual([`${d}/maps/.c.json`]);
  });

  it('braces, character classes, extglobs and ".." work as in fast-glob', () => {
    const d = space();
    mkdirSync(join(d, 'a'));
    mkdirSync(join(d, 'b'));
    writeFileSync(join(d, 'a/x.json'), map('B-AX'));
    writeFileSync(join(d, 'b/y.json'), map('B-BY'));
    writeFileSync(join(d, 'top.json'), map('B-TOP'));
    expect(expandMapPatterns([`${d}/{a,b}/*.json`])).toEqual([`${d}/a/x.json`, `${d}/b/y.json`]);
    expect(expandMapPatterns([`${d}/[a]/*.json`])).toEqual([`${d}/a/x.json`]);
    expect(expandMapPatterns([`${d}/@(b)/*.json`])).toEqual([`${d}/b/y.json`]);
    expect(expandMapPatterns([`${d}/*/../top.json`])).toEqual([`${d}/a/../top.json`]);
  });

  it('relative patterns give relative paths, as before', () => {
    const d = space();
    mkdirSync(join(d, 'maps'));
    writeFileSync(join(d, 'maps/a.json'), map('B-A'));
    const cwd = process.cwd();
    process.chdir(d);
    try {
      expect(expandMapPatterns(['maps/*.json'])).toEqual(['maps/a.json']);
      expect(expandMapPatterns(['*/a.json'])).toEqual(['maps/a.json']);
    } finally {
      process.chdir(cwd);
    }
  });

  it.skipIf(process.getuid?.() === 0)('a directory that matches could lie in but that cannot be listed is map-parse (root lists anything, so skipped as root)', () => {
    const d = space();
    mkdirSync(join(d, 'maps/locked'), { recursive: true });
    execFileSync('chmod', ['000', join(d, 'maps/locked')]);
    try {
      expect(expandMapPatterns([`${d}/maps/**/*.json`])).toEqual([`${d}/maps/locked`]);
    } finally {
      execFileSync('chmod', ['755', join(d, 'maps/locked')]);
    }
  });
});

describe('symlink loops are walked once', () => {
  it('issue 9: maps/self -> . and maps/up -> .. under ** end, and each real file is loaded once', () => {
    const d = space();
    mkdirSync(join(d, 'maps'));
    writeFileSync(join(d, 'maps/a.json'), map('B-A'));
    writeFileSync(join(d, 'beside.json'), map('B-BESIDE'));
    symlinkSync('.', join(d, 'maps/self'));
    symlinkSync('..', join(d, 'maps/up'));
    // Links are followed, so maps/up reaches the parent's map, once.
    expect(expandMapPatterns([`${d}/maps/**/*.json`])).toEqual([`${d}/maps/a.json`, `${d}/maps/up/beside.json`]);
    const { set, problems } = loadBlockerMapsFrom([`${d}/maps/**/*.json`]);
    expect(problems).toEqual([]);
    expect([...set.blockers.keys()].sort()).toEqual(['B-A', 'B-BESIDE']);
  });

  it('mutual directory links (a/to-b -> ../b, b/to-a -> ../a) end too', () => {
    const d = space();
    mkdirSync(join(d, 'a'));
    mkdirSync(join(d, 'b'));
    writeFileSync(join(d, 'a/x.json'), map('B-X'));
    symlinkSync('../b', join(d, 'a/to-b'));
    symlinkSync('../a', join(d, 'b/to-a'));
    expect(expandMapPatterns([`${d}/**/*.json`])).toEqual([`${d}/a/x.json`]);
  });
});

describe('generated trees', () => {
  type Node = { kind: 'file' } | { kind: 'dir'; children: Record<string, Node> } | { kind: 'link'; to: string } | { kind: 'fifo' };
  const names = fc.constantFrom('a.json', 'b.json', 'c.txt', 'sub', 'x', '.d.json');
  const linkTargets = fc.constantFrom('.', '..', '../..', 'gone', 'a.json', 'sub', '../sub', 'x/../a.json');
  const node: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant<Node>({ kind: 'file' }),
      fc.constant<Node>({ kind: 'fifo' }),
      linkTargets.map((to): Node => ({ kind: 'link', to })),
      fc.dictionary(names, tie('node'), { maxKeys: 4 }).map((children): Node => ({ kind: 'dir', children })),
    ),
  })).node;
  const patterns = fc.constantFrom('*.json', '**/*.json', '**', '*/*.json', 'sub/**/a.json', '{sub,x}/*.json', '**/sub/*', '*');

  function build(at: string, n: Node, withLinks: boolean): void {
    if (n.kind === 'file') writeFileSync(at, map('B'));
    else if (n.kind === 'fifo') mkfifo(at);
    else if (n.kind === 'link') { if (withLinks) symlinkSync(n.to, at); }
    else {
      mkdirSync(at);
      for (const [name, child] of Object.entries(n.children)) build(join(at, name), child, withLinks);
    }
  }
  const regular = (path: string) => { try { return statSync(path).isFile(); } catch { return false; } };
  // fast-glob throws when the fixed part of a pattern is a file; that is "no match" here.
  const reference = (pattern: string, options: fg.Options) => fg.sync(pattern, { ...options, suppressErrors: true });
  /** One entry however it is reached: the real directory it is in, and its name. */
  const identity = (path: string) => {
    try { return realpathSync(path); } catch { return `${realpathSync(dirname(path))}/${basename(path)}`; }
  };

  it('without links: the regular files found are exactly fast-glob\'s, and the rest is what fast-glob silently leaves out', () => {
    fc.assert(fc.property(fc.dictionary(names, node, { maxKeys: 5 }), patterns, (children, pattern) => {
      const d = space();
      build(join(d, 't'), { kind: 'dir', children }, false);
      const found = walkPattern(`${d}/t/${pattern}`);
      const files = reference(`${d}/t/${pattern}`, { onlyFiles: true, dot: false }).sort();
      expect(found.filter(regular)).toEqual(files);
      const everything = new Set(reference(`${d}/t/${pattern}`, { onlyFiles: false, dot: false }));
      for (const path of found) expect(everything.has(path), path).toBe(true);
    }), { numRuns: 60 });
  });

  it('with links (loops, dangling, to files and directories): the walk ends, and every match fast-glob sees without following links is there', () => {
    fc.assert(fc.property(fc.dictionary(names, node, { maxKeys: 5 }), patterns, (children, pattern) => {
      const d = space();
      build(join(d, 't'), { kind: 'dir', children }, true);
      const found = new Set(walkPattern(`${d}/t/${pattern}`).map(identity));
      const unfollowed = reference(`${d}/t/${pattern}`, { onlyFiles: false, dot: false, followSymbolicLinks: false });
      for (const path of unfollowed) {
        // A directory walked into is not itself a map; everything else matched must be reported.
        const walkedInto = (() => { try { return statSync(path).isDirectory() && /\*\*$/.test(pattern); } catch { return false; } })();
        if (!walkedInto) expect(found.has(identity(path)), `${path} for ${pattern}`).toBe(true);
      }
    }), { numRuns: 60 });
  });
});

describe('standard input (--blockers -)', () => {
  it('reads one map from the injected reader, named (stdin)', () => {
    const { set, problems } = loadBlockerMapsFrom(['-'], { stdin: () => map('B-STDIN') });
    expect(problems).toEqual([]);
    expect(set.blockers.get('B-STDIN')).toMatchObject({ source: '(stdin)', where: '(stdin) line 1' });
    expect(set.maps.map((m) => m.file)).toEqual(['(stdin)']);
  });

  it('bytes that are not UTF-8 or not JSON are map-parse naming (stdin)', () => {
    const bad = loadBlockerMapsFrom(['-'], { stdin: () => Uint8Array.from([0x7b, 0xff, 0x7d]) });
    expect(bad.problems).toEqual([{ code: 'map-parse', file: '(stdin)', line: 1, message: '(stdin) line 1: not valid UTF-8' }]);
    expect(loadBlockerMapsFrom(['-'], { stdin: () => '' }).problems[0]).toMatchObject({ code: 'map-parse', file: '(stdin)' });
  });

  it('- twice is usage; no reader is usage, not an empty map', () => {
    expect(thrown(() => expandMapPatterns(['-', 'x.json', '-'])).code).toBe('usage');
    const none = thrown(() => loadBlockerMapsFrom(['-']));
    expect([none.code, none.message]).toEqual(['usage', "'-' means standard input, which is not available here"]);
  });
});
