import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { watchInputs, type InputWatcher } from './watch.js';

const watchers: InputWatcher[] = [];
afterEach(() => {
  for (const w of watchers.splice(0)) w.close();
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'blockgate-watch-'));
  const map = join(dir, 'map.json');
  const ledger = join(dir, 'grants.jsonl');
  writeFileSync(map, '{"blockers": []}\n');
  writeFileSync(ledger, '');
  let changes = 0;
  const watcher = watchInputs({ blockers: [map], ledger }, () => { changes++; }, { debounceMs: 30, pollMs: 0 });
  watchers.push(watcher);
  return { dir, map, ledger, changes: () => changes };
}

/** Waits (bounded) until `count()` reaches `n`. */
async function until(count: () => number, n: number, ms = 3000): Promise<number> {
  const deadline = Date.now() + ms;
  while (count() < n && Date.now() < deadline) await delay(10);
  return count();
}

describe('watchInputs', () => {
  it('sees a file replaced by rename, more than once (the watches follow the new file)', async () => {
    const s = setup();
    for (let i = 1; i <= 3; i++) {
      writeFileSync(`${s.ledger}.tmp`, `${i}\n`);
      renameSync(`${s.ledger}.tmp`, s.ledger);
      expect(await until(s.changes, i)).toBe(i);
      await delay(60);
    }
  });

  it('sees a file written in place, and debounces a burst of writes into one change', async () => {
    const s = setup();
    for (let i = 0; i < 5; i++) writeFileSync(s.map, `{"blockers": [], "n": ${i}}\n`);
    expect(await until(s.changes, 1)).toBe(1);
    await delay(150);
    expect(s.changes()).toBe(1);
  });

  it('ignores other files in the same directory (temp and lock files, a decision log)', async () => {
    const s = setup();
    writeFileSync(join(s.dir, 'decisions.jsonl'), 'x\n');
    writeFileSync(join(s.dir, 'grants.jsonl.lock'), 'x\n');
    await delay(200);
    expect(s.changes()).toBe(0);
  });

  it('sees a new file that a glob pattern now matches', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blockgate-watch-glob-'));
    mkdirSync(join(dir, 'maps'));
    writeFileSync(join(dir, 'maps', 'a.json'), '{"blockers": []}\n');
    let changes = 0;
    watchers.push(watchInputs({ blockers: [join(dir, 'maps', '*.json')] }, () => { changes++; }, { debounceMs: 30, pollMs: 0 }));
    writeFileSync(join(dir, 'maps', 'notes.txt'), 'not a map\n');
    await delay(150);
    expect(changes).toBe(0);
    writeFileSync(join(dir, 'maps', 'b.json'), '{"blockers": []}\n');
    expect(await until(() => changes, 1)).toBe(1);
  });

  it('also polls (the backstop for events fs.watch misses)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blockgate-watch-poll-'));
    const map = join(dir, 'map.json');
    writeFileSync(map, '{"blockers": []}\n');
    let changes = 0;
    const w = watchInputs({ blockers: [map] }, () => { changes++; }, { debounceMs: 10, pollMs: 50 });
    watchers.push(w);
    writeFileSync(map, '{"blockers": [], "changed": true}\n');
    expect(await until(() => changes, 1)).toBe(1);
  });
});
