// Issue 12: a plan no grant can allow says so, with why; an ambiguous actor reads "cannot be
// resolved"; grant-too-early says that a new grant, issued once the prerequisites are met, is needed.
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockgate } from '../support/cli.js';
import { CTX, decision, denial } from '../support/render-samples.js';
import { textRenderer } from '../../src/render/text.js';

const REQUEST = ['--action', 'apply', '--env', 'production', '--at', '2026-11-25T12:00:00Z'];
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
let ambiguous: string;
let mixed: string;

beforeAll(() => {
  const d = realpathSync(mkdtempSync(join(tmpdir(), 'bg-plan-')));
  ambiguous = join(d, 'ambiguous.json');
  writeFileSync(ambiguous, JSON.stringify({ blockers: [{ id: 'B-AMB', actor_needed: 'owner + operator or security', blocks: 'production' }] }));
  mixed = join(d, 'mixed.json');
  writeFileSync(mixed, JSON.stringify({ blockers: [
    { id: 'B-AMB', actor_needed: 'owner + operator or security', blocks: 'production' },
    { id: 'B-OWN', actor_needed: 'owner', blocks: 'apply' },
  ] }));
});

describe('plan when no grant can allow the request', () => {
  it('says so and why, not "grants that would allow this request:" and nothing', async () => {
    const r = await blockgate(['plan', '--blockers', ambiguous, ...REQUEST]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('grants that would allow this request');
    expect(oneLine(r.stdout)).toBe('DENIED no grant can allow this: B-AMB is unresolvable because of ambiguous-actor: B-AMB: cannot be resolved: actor_needed is ambiguous');
    const json = await blockgate(['plan', '--blockers', ambiguous, ...REQUEST, '--format', 'json']);
    expect(json.json).toEqual({ allowed: false, grants_needed: [], unresolvable: [{ blocker_id: 'B-AMB', reason: 'ambiguous-actor' }] });
  });

  it('with grants that close the rest, it says the grants are not enough', async () => {
    const r = await blockgate(['plan', '--blockers', mixed, ...REQUEST]);
    expect(r.code).toBe(0);
    expect(oneLine(r.stdout)).toContain('DENIED no grant can allow this: B-AMB is unresolvable because of ambiguous-actor; these grants close the rest: owner: grant apply@production resolving B-OWN');
  });
});

describe('check text', () => {
  it('an ambiguous actor reads "cannot be resolved: actor_needed is ambiguous", not "needs no role"', async () => {
    const r = await blockgate(['check', '--blockers', ambiguous, ...REQUEST]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('(cannot be resolved: actor_needed is ambiguous)');
    expect(r.stdout).not.toContain('needs no role');
  });

  it('grant-too-early says a new grant is needed once the prerequisites are met', () => {
    const early = { ...denial('B-1'), reasons: ['grant-too-early'] };
    const out = oneLine(textRenderer.check({ decision: decision('apply', 'production', [early], []) }, CTX));
    expect(out).toContain('why grant-too-early a grant was issued before this blocker\'s prerequisites (its "after") were met; a new grant, issued once they are, is needed');
  });
});
