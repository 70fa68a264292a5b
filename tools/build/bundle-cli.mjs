// The command line as one ES module and its lazily loaded chunks, in dist/bundled/ (issue 13):
// starting `blockgate` then reads a few files instead of resolving and compiling some 400
// modules of blockgate, ajv, yargs and their dependencies. Run by `make build` after tsc, from
// dist/cli/main.js (the compiled host), so the bundle is what the tests of dist/ test.
//
// dist/bundled/ is as deep as every dist/<stage>/ folder, so the paths the host finds beside
// itself (../../bundles/, ../../package.json, ../../policies/blockgate/, ../../.tools/bin/opa)
// are the same from the bundle. Chunks split at dynamic imports, so serve, report and the
// decision log still load only when used. opa-wasm stays outside: the time builtins resolve
// its builtins module beside its entry point.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outdir = `${root}dist/bundled`;
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'dist/cli/main.js' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['@open-policy-agent/opa-wasm', 'pg-native'],
  // CommonJS dependencies inside an ES module need a require of their own.
  banner: { js: "import { createRequire as __blockgateRequire } from 'node:module'; const require = __blockgateRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
if (result.errors.length > 0 || result.warnings.length > 0) {
  process.stderr.write('bundle-cli: esbuild reported problems (above); the CLI bundle is not trusted\n');
  process.exit(1);
}
