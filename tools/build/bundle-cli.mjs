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
// yargs lays out help with cliui and string-width, and with them emoji-regex (a regular
// expression so large that parsing it costs more than the rest of the dependency) and
// get-east-asian-width. A run that shows no help never calls them, so in the bundle they are
// evaluated when first called: yargs' imports of cliui and string-width are wrappers that
// require the real module on first use (esbuild bundles a required ES module behind an
// initialiser), and emoji-regex builds the same pattern from its source text when called.
const helpLayoutOnDemand = {
  name: 'help-layout-on-demand',
  setup(b) {
    b.onResolve({ filter: /^(cliui|string-width)$/ }, (args) => (/[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]/.test(args.importer)
      ? { path: args.path, namespace: 'on-demand', pluginData: { resolveDir: args.resolveDir } } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'on-demand' }, (args) => ({
      resolveDir: args.pluginData.resolveDir,
      contents: `let real;\nexport default function onDemand(...a) { real ??= require(${JSON.stringify(args.path)}).default; return real(...a); }\n`,
    }));
    // The copy the importer would get, so the pattern is that version's.
    b.onResolve({ filter: /^emoji-regex$/ }, async (args) => {
      if (args.pluginData?.real) return undefined;
      const real = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { real: true } });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: 'emoji-source' };
    });
    b.onLoad({ filter: /.*/, namespace: 'emoji-source' }, async (args) => {
      const { default: emojiRegex } = await import(pathToFileURL(args.path).href);
      const pattern = emojiRegex();
      if (!(pattern instanceof RegExp)) throw new Error(`${args.path}: emoji-regex gave no regular expression`);
      return { contents: `export default () => new RegExp(${JSON.stringify(pattern.source)}, ${JSON.stringify(pattern.flags)});\n` };
    });
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
  plugins: [precompiledValidators, helpLayoutOnDemand],
});
if (result.errors.length > 0 || result.warnings.length > 0) {
  process.stderr.write('bundle-cli: esbuild reported problems (above); the CLI bundle is not trusted\n');
  process.exit(1);
}
