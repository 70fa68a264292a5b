// README "Many hosts": the PostgreSQL set-up a new user pastes runs as shown (on a free port in a
// temporary home, as an unprivileged user) and prints what the README says it prints.
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { POSTGRES_MISSING, freePort, postgresBinDir } from '../support/postgres.js';

interface Step { command: string; expected: string[] }

function readmeSteps(): Step[] {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('\n## Many hosts\n'));
  const body = section.slice(1, section.indexOf('\n## ', 1));
  const block = /```console\n([\s\S]*?)```/.exec(body)?.[1];
  if (!block) throw new Error('README "Many hosts" has no console block');
  const steps: Step[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('$ ')) steps.push({ command: line.slice(2), expected: [] });
    else if (line.trim() !== '' && line !== '...') steps.at(-1)!.expected.push(line);
  }
  return steps;
}

const home = mkdtempSync(join(tmpdir(), 'blockgate-readme-pg-'));
const asRoot = process.getuid?.() === 0;
const prefix = asRoot ? ['setpriv', '--reuid=postgres', '--regid=postgres', '--clear-groups', '--'] : [];

afterAll(() => {
  const [command, ...rest] = [...prefix, 'bash', '-c', 'export PATH=/usr/lib/postgresql/15/bin:$PATH; pg_ctl -D ~/blockgate-pg -m immediate stop'];
  spawnSync(command!, rest, { env: { ...process.env, HOME: home }, cwd: home, stdio: 'ignore' });
  rmSync(home, { recursive: true, force: true });
});

describe('README "Many hosts"', () => {
  it('the PostgreSQL set-up runs and prints what the README shows', async () => {
    if (!postgresBinDir()) throw new Error(POSTGRES_MISSING);
    if (asRoot) chownSync(home, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout), Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout));
    const port = String(await freePort());
    const steps = readmeSteps();
    expect(steps.length).toBeGreaterThan(3);
    const marker = '@@blockgate-readme-step@@';
    const script = ['set -e', ...steps.map((s) => `echo ${marker}; ${s.command.replaceAll('5433', port)} 2>&1`)].join('\n');
    const [command, ...rest] = [...prefix, 'bash', '-c', script];
    const r = spawnSync(command!, rest, { env: { ...process.env, HOME: home }, cwd: home, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const outputs = r.stdout.split(`${marker}\n`).slice(1);
    expect(outputs).toHaveLength(steps.length);
    steps.forEach((step, i) => {
      const lines = outputs[i]!.split('\n');
      let at = 0;
      // Each line the README shows appears, in order (lines it elides with ... may be anything).
      for (const want of step.expected.map((l) => l.replaceAll('/home/you', home).replaceAll('5433', port))) {
        while (at < lines.length && lines[at] !== want) at++;
        expect(at < lines.length, `${step.command}: "${want}" in\n${outputs[i]}`).toBe(true);
        at++;
      }
    });
  }, 300_000);
});
