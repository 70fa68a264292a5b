// A fresh rules directory under `root` holding `files` (name -> text), for the rules suites.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

let n = 0;

export function writeRulesDir(root: string, files: Record<string, string>): string {
  const dir = join(root, `rules-${++n}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
