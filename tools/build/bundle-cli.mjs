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
//
// The input validators are compiled here, not on every run: the modules that declare schemas are
// imported, the schemas they gave compileValidator are compiled to ajv standalone code
// (validators.mjs) in dist/schema/precompiled.standalone.js, and the bundle takes that module
// wherever dist/schema/ajv.js imports ./precompiled.js (the empty map the library keeps).
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { precompiledModule, SCHEMA_MODULES } from './validators.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outdir = `${root}dist/bundled`;
rmSync(outdir, { recursive: true, force: true });

for (const declaring of SCHEMA_MODULES) await import(pathToFileURL(`${root}dist/${declaring}.js`).href);
const { compiledSchemas, schemaKey } = await import(pathToFileURL(`${root}dist/schema/ajv.js`).href);
const { AJV_OPTIONS, FORMATS } = await import(pathToFileURL(`${root}dist/schema/formats.js`).href);
const standalone = `${root}dist/schema/precompiled.standalone.js`;
writeFileSync(standalone, precompiledModule({ schemas: compiledSchemas(), key: schemaKey, formats: FORMATS, options: AJV_OPTIONS, formatsFrom: './formats.js' }));
const precompiledValidators = {
  name: 'precompiled-validators',
  setup(b) {
    b.onResolve({ filter: /^\.\/precompiled\.js$/ }, (args) => (args.importer === `${root}dist/schema/ajv.js` ? { path: standalone } : undefined));
  },
};
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
  plugins: [precompiledValidators],
});
if (result.errors.length > 0 || result.warnings.length > 0) {
  process.stderr.write('bundle-cli: esbuild reported problems (above); the CLI bundle is not trusted\n');
  process.exit(1);
}
