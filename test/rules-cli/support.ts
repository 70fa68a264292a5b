// What the rules CLI suites share: a scratch directory, the pinned opa, the fix7 inputs as flags,
// and the change-freeze example configured to freeze a request that fix7's map alone allows.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIX7, AT } from '../support/fix7.js';
import { ROOT } from '../support/cli.js';

export { AT, FIX7, ROOT };
export const OPA = join(ROOT, '.tools/bin/opa');
export const EXAMPLES = join(ROOT, 'examples/rules');
export const EXAMPLE_NAMES = ['change-freeze', 'separation-of-duties', 'max-grant-lifetime', 'evidence-origin'] as const;

export const scratch = (name: string): string => mkdtempSync(join(tmpdir(), `blockgate-rules-cli-${name}-`));

/** fix7's inputs as flags. */
export const INPUTS = ['--blockers', FIX7.blockers[0]!, '--ledger', FIX7.ledger, '--trust', FIX7.trust];
/** A request fix7's blocker map and ledger allow at AT (the owner's real-run grant satisfies its one blocker). */
export const ALLOWED = ['--action', 'real-run', '--env', 'staging', '--at', AT];

/**
 * A rules directory with the change-freeze example's rule, its data set to freeze real-run in
 * staging for the day around AT: the rule denies what the map alone allows.
 */
export function freezeRules(root: string): string {
  const dir = join(root, 'freeze-rules');
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(EXAMPLES, 'change-freeze/change_freeze.rego'), join(dir, 'change_freeze.rego'));
  writeFileSync(join(dir, 'data.json'), JSON.stringify({
    blockgate_rules_config: {
      change_freeze: {
        actions: ['real-run'], environments: ['staging'],
        windows: [{ name: 'test-window', start: '2026-11-25T00:00:00Z', end: '2026-11-26T00:00:00Z', time_zone: 'UTC' }],
      },
    },
  }));
  return dir;
}

/** A directory of rule files (name -> text) under root. */
export function rulesDir(root: string, name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}
