// Without opa anywhere (not on the PATH, none beside the package), `build` and `test` exit 1 and
// say how to install the pinned version. In its own process, on a copy of the package without
// .tools/: the PATH lookup and the package's own opa are what is under test.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotPackage, stackTraceIn } from '../bad-input/run-cli.js';
import { blockgateProcess } from '../support/cli.js';
import { EXAMPLES, ROOT, scratch } from './support.js';

/** A copy of the package as it is installed (bin, dist, bundles, the policy sources, the test helper), with no opa. */
function packageWithoutOpa(): string {
  const { root } = snapshotPackage(join(scratch('no-opa'), 'pkg'));
  for (const part of ['policies/blockgate', 'rules-sdk']) cpSync(join(ROOT, part), join(root, part), { recursive: true });
  return root;
}

describe('no opa on the PATH nor beside the package', () => {
  const pkg = packageWithoutOpa();
  const env = { PATH: '/nonexistent-bin' };
  const run = (args: string[]) => blockgateProcess(args, { bin: join(pkg, 'bin/blockgate'), env, cwd: pkg });

  it.each([
    ['build', ['build', '--rules', join(EXAMPLES, 'change-freeze'), '--out', 'out']],
    ['test', ['test', '--rules', join(EXAMPLES, 'change-freeze')]],
  ])('%s exits 1 with the install instruction for OPA v1.22.3', (_, args) => {
    const text = run(args);
    expect(text.code, text.stdout + text.stderr).toBe(1);
    expect(stackTraceIn(text.stderr)).toBeUndefined();
    expect(text.stderr).toMatch(/^error io: no opa found \(not on the PATH/);
    const json = run([...args, '--format', 'json']);
    expect(json.code).toBe(1);
    expect(json.json.error.code).toBe('io');
    expect(json.json.error.message).toContain('install OPA v1.22.3');
    expect(json.json.error.message).toContain('go install github.com/open-policy-agent/opa@v1.22.3');
  });
});
