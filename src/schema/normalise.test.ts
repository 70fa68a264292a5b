import { describe, expect, it } from 'vitest';
import { normaliseRolePart, normaliseTag, normaliseTags, parseActors, sortedDistinct } from './normalise.js';

describe('tags (SPEC 1.2)', () => {
  it.each([
    // SPEC's examples.
    ['REAL_RUN', ['real-run']],
    ['cutover/apply/permit/activation/repoint', ['activation', 'apply', 'cutover', 'permit', 'repoint']],
    // Split on `/` and `,`; trim, lower-case, `_` → `-`, white space runs → `-`.
    ['production', ['production']],
    ['production-ci', ['production-ci']],
    ['Apply, Cutover', ['apply', 'cutover']],
    ['  real   run  ', ['real-run']],
    ['real\trun\nnow', ['real-run-now']],
    ['CI_Enforcement / Production', ['ci-enforcement', 'production']],
    ['a//b,,c, ,/', ['a', 'b', 'c']],
    ['apply/APPLY/apply ', ['apply']],
    ['', []],
    [' / , ', []],
    ['Ünïcode Tag', ['ünïcode-tag']],
  ])('%j → %j', (blocks, tags) => {
    expect(normaliseTags(blocks)).toEqual(tags);
  });

  it('an array gives one tag per element, not split on / or ,', () => {
    expect(normaliseTags(['REAL_RUN', 'a/b', 'c, d', '  ', 'Real Run'])).toEqual(['a/b', 'c,-d', 'real-run']);
  });

  it('an empty array gives no tag', () => {
    expect(normaliseTags([])).toEqual([]);
  });

  it('normaliseTag: `_` becomes `-` before white space is collapsed', () => {
    expect(normaliseTag(' A_B  c ')).toBe('a-b-c');
    expect(normaliseTag('x _ y')).toBe('x---y');
  });
});

describe('roles (SPEC 1.2)', () => {
  it.each([
    // SPEC's examples.
    ['owner + operator (scope …)', ['operator', 'owner'], 'all'],
    ['operator (+ separate production authorization)', ['operator'], 'all'],
    ['owner or operator', ['operator', 'owner'], 'any'],
    // The seed map's own phrasings.
    ['owner + operator (scope the exact production surface; not invented)', ['operator', 'owner'], 'all'],
    ['owner + operator', ['operator', 'owner'], 'all'],
    ['operator', ['operator'], 'all'],
    ['owner', ['owner'], 'all'],
    // Every all-separator.
    ['owner, operator', ['operator', 'owner'], 'all'],
    ['owner & operator', ['operator', 'owner'], 'all'],
    ['owner and operator', ['operator', 'owner'], 'all'],
    ['Owner AND Operator', ['operator', 'owner'], 'all'],
    ['owner+operator,auditor&release manager', ['auditor', 'operator', 'owner', 'release manager'], 'all'],
    // Every any-separator.
    ['owner | operator', ['operator', 'owner'], 'any'],
    ['owner|operator', ['operator', 'owner'], 'any'],
    ['Owner OR Operator', ['operator', 'owner'], 'any'],
    ['owner or operator | auditor', ['auditor', 'operator', 'owner'], 'any'],
    // Parts are trimmed, lower-cased, inner white space collapsed to one space.
    ['  Release   Manager  +  OWNER ', ['owner', 'release manager'], 'all'],
    ['Release\tManager', ['release manager'], 'all'],
    // Duplicates collapse.
    ['owner + Owner', ['owner'], 'all'],
  ])('%j → %s of %j', (actor, roles, mode) => {
    expect(parseActors(actor)).toEqual({ roles, mode });
  });

  describe('`and` and `or` are words, not letters inside words', () => {
    it.each([
      ['operator', ['operator']],
      ['coordinator', ['coordinator']],
      ['orchestrator', ['orchestrator']],
      ['sandra', ['sandra']],
      ['android team', ['android team']],
      ['band', ['band']],
      ['operator-or-owner', ['operator-or-owner']],
      ['ops_and_dev', ['ops_and_dev']],
      ['v1.or.v2', ['v1.or.v2']],
    ])('%j is one role', (actor, roles) => {
      expect(parseActors(actor)).toEqual({ roles, mode: 'all' });
    });

    it('"operator or coordinator" splits only at the word', () => {
      expect(parseActors('operator or coordinator')).toEqual({ roles: ['coordinator', 'operator'], mode: 'any' });
    });

    it('"sandra and andrew" splits only at the word', () => {
      expect(parseActors('sandra and andrew')).toEqual({ roles: ['andrew', 'sandra'], mode: 'all' });
    });

    it('punctuation is not part of a word: "/or/" is the word or', () => {
      expect(parseActors('owner/or/operator')).toEqual({ roles: ['/operator', 'owner/'], mode: 'any' });
      expect(parseActors('owner;and;operator')).toEqual({ roles: [';operator', 'owner;'], mode: 'all' });
    });
  });

  describe('parentheses are removed first', () => {
    it.each([
      ['owner (and operator)', ['owner'], 'all'],
      ['owner (or operator)', ['owner'], 'all'],
      ['owner (a (nested, b) c) + operator', ['operator', 'owner'], 'all'],
      ['(first) owner (second) | (third) operator (fourth)', ['operator', 'owner'], 'any'],
      ['owner(no space)+operator', ['operator', 'owner'], 'all'],
    ])('%j → %s of %j', (actor, roles, mode) => {
      expect(parseActors(actor)).toEqual({ roles, mode });
    });

    it('only a parenthesised part: no role is left (no-role)', () => {
      expect(parseActors('(to be decided)')).toEqual({ roles: [], mode: 'all', problem: 'no-role' });
    });

    it('an unclosed group is kept as written: a role no key holds, so it fails closed', () => {
      expect(parseActors('owner (scope')).toEqual({ roles: ['owner (scope'], mode: 'all' });
      expect(parseActors('operator + owner (scope, later')).toEqual({ roles: ['later', 'operator', 'owner (scope'], mode: 'all' });
    });

    it('an unopened ")" is kept as written', () => {
      expect(parseActors('owner) + operator')).toEqual({ roles: ['operator', 'owner)'], mode: 'all' });
    });

    it('a closed group before an unclosed one is removed', () => {
      expect(parseActors('owner (x) (y')).toEqual({ roles: ['owner (y'], mode: 'all' });
    });
  });

  describe('both kinds of separator at once: ambiguous-actor', () => {
    it.each([
      ['owner + operator or auditor'],
      ['owner and operator | auditor'],
      ['owner, operator or auditor'],
      ['owner & operator|auditor'],
      ['owner or operator and auditor'],
    ])('%j', (actor) => {
      expect(parseActors(actor)).toEqual({ roles: [], mode: 'all', problem: 'ambiguous-actor' });
    });

    it('a separator hidden in parentheses does not make it ambiguous', () => {
      expect(parseActors('owner or operator (+ auditor)')).toEqual({ roles: ['operator', 'owner'], mode: 'any' });
    });
  });

  describe('no role left: no-role', () => {
    it.each([[''], ['   '], ['+'], [' and '], ['or'], ['|'], ['( )'], [', ,']])('%j', (actor) => {
      expect(parseActors(actor).roles).toEqual([]);
      expect(parseActors(actor).problem).toBe('no-role');
    });

    it('an empty array', () => {
      expect(parseActors([])).toEqual({ roles: [], mode: 'all', problem: 'no-role' });
    });

    it('an array of blanks', () => {
      expect(parseActors(['', '  '])).toEqual({ roles: [], mode: 'all', problem: 'no-role' });
    });
  });

  describe('an array means mode all over its normalised elements', () => {
    it('normalised, sorted, distinct', () => {
      expect(parseActors(['Owner', '  release   manager ', 'owner'])).toEqual({ roles: ['owner', 'release manager'], mode: 'all' });
    });

    it('elements are not split: each element is one role', () => {
      expect(parseActors(['owner or operator'])).toEqual({ roles: ['owner or operator'], mode: 'all' });
      expect(parseActors(['owner + operator'])).toEqual({ roles: ['owner + operator'], mode: 'all' });
    });

    it('blank elements are dropped', () => {
      expect(parseActors(['owner', ''])).toEqual({ roles: ['owner'], mode: 'all' });
    });
  });

  it('the same text gives the same answer every time (no regex state carried over)', () => {
    for (let i = 0; i < 3; i++) {
      expect(parseActors('owner and operator')).toEqual({ roles: ['operator', 'owner'], mode: 'all' });
      expect(parseActors('owner or operator')).toEqual({ roles: ['operator', 'owner'], mode: 'any' });
      expect(parseActors('operator and owner or x').problem).toBe('ambiguous-actor');
    }
  });
});

describe('normaliseRolePart and sortedDistinct', () => {
  it('normaliseRolePart', () => {
    expect(normaliseRolePart('  Release \t Manager ')).toBe('release manager');
    expect(normaliseRolePart('')).toBe('');
  });

  it('sortedDistinct sorts by UTF-8 bytes, as Rego does', () => {
    expect(sortedDistinct(['b', 'B', 'a', 'b', 'é', 'z'])).toEqual(['B', 'a', 'b', 'z', 'é']);
    // UTF-16 order would put the emoji (a surrogate pair, 0xD83D…) before U+FF5E.
    expect(sortedDistinct(['\u{1F600}', '\uFF5E', '\uE000'])).toEqual(['\uE000', '\uFF5E', '\u{1F600}']);
  });

  it('roles and tags come out in that order', () => {
    expect(parseActors('\u{1F600} + \uFF5E').roles).toEqual(['\uFF5E', '\u{1F600}']);
    expect(normaliseTags(['\u{1F600}', '\uFF5E'])).toEqual(['\uFF5E', '\u{1F600}']);
  });
});
