// `blockgate completion bash|zsh|fish` (issue 12): each script is derived from the command line's
// own table, so every command, subcommand and flag the parser knows appears in it.
import { describe, expect, it } from 'vitest';
import { blockgate } from '../support/cli.js';

/** The commands and flags as `--help` lists them: the parser's own view, not the script's source. */
async function helpTable(path: string[]): Promise<{ commands: string[]; flags: string[] }> {
  const r = await blockgate([...path, '--help']);
  expect(r.code).toBe(0);
  const prefix = ['blockgate', ...path].join(' ');
  const commands = [...r.stdout.matchAll(new RegExp(`^  ${prefix} (\\S+)`, 'gm'))].map((m) => m[1]!).filter((c) => !c.startsWith('-') && !c.startsWith('<') && !c.startsWith('['));
  const flags = [...r.stdout.matchAll(/^\s+(?:-\w, )?--([\w-]+)/gm)].map((m) => m[1]!);
  return { commands, flags };
}

describe('completion scripts name every command and flag', () => {
  for (const shell of ['bash', 'zsh', 'fish']) {
    it(shell, async () => {
      const r = await blockgate(['completion', shell]);
      expect(r.code).toBe(0);
      const top = await helpTable([]);
      expect(top.commands).toEqual(expect.arrayContaining(['check', 'exec', 'config', 'completion', 'ledger']));
      const paths: string[][] = [];
      for (const command of top.commands) {
        paths.push([command]);
        for (const sub of (await helpTable([command])).commands) paths.push([command, sub]);
      }
      expect(paths).toContainEqual(['ledger', 'append']);
      expect((await helpTable(['exec'])).flags).toEqual(expect.arrayContaining(['action', 'env', 'blockers', 'decision-log', 'config']));
      for (const path of paths) {
        const name = path.at(-1)!;
        expect(r.stdout, `${shell}: ${path.join(' ')}`).toMatch(new RegExp(`(^|[\\s'(])${name}([\\s')]|$)`, 'm'));
        for (const flag of (await helpTable(path)).flags) {
          const spelled = shell === 'fish' ? `-l ${flag}` : `--${flag}`;
          expect(r.stdout.includes(spelled), `${shell}: ${path.join(' ')} ${spelled}`).toBe(true);
        }
      }
    });
  }

  it('exec\'s flags are offered for exec', async () => {
    const r = await blockgate(['completion', 'bash']);
    const arm = r.stdout.split('\n').find((l) => l.startsWith("    'exec')") && l.includes('--action'));
    expect(arm).toContain('--decision-log');
    expect(arm).toContain('--config');
  });

  it('an unknown shell is usage, exit 1', async () => {
    const r = await blockgate(['completion', 'tcsh']);
    expect(r.code).toBe(1);
    expect(r.stderr.replace(/\s+/g, ' ')).toContain('completion for "tcsh" is not available; give one of bash, zsh, fish');
  });
});
