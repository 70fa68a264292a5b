// `blockgate build`: a team's rules (package blockgate.rules) compiled with blockgate's own policy
// into one OPA bundle (bundle.tar.gz, optionally signed with OPA's bundle signing) and sealed
// (seal.json) like the shipped one. Bad rule input is refused here, with opa's file and line.

import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlockgateError, located } from '../errors.js';
import { BUNDLE_FILE, ENTRYPOINTS, SEAL_FILE, type RuleInfo, type Seal } from '../engine/bundle.js';
import { readOpaBundle } from '../engine/opa-bundle.js';
import { hostBuiltinNames } from '../engine/time-builtins.js';
import { replaceFile } from '../fs/atomic.js';
import { parseJson } from '../load/json.js';
import { readInputFile, readTextFile } from '../load/files.js';
import { quoted } from '../quote.js';
import { findOpa, opaFailure, opaVersion, RULE_BUILD, ruleError, runOpa } from './opa.js';

/** blockgate's own policy, beside the package: compiled into every bundle (tests excluded). */
export const POLICY_DIR = fileURLToPath(new URL('../../policies/blockgate/', import.meta.url));
const PACKAGE_JSON = fileURLToPath(new URL('../../package.json', import.meta.url));

export { BUNDLE_FILE, SEAL_FILE, type RuleInfo };

/** The one namespace a rules data.json may fill (never data.world or data.blockgate). */
export const RULES_DATA_ROOT = 'blockgate_rules_config';

/** The outputs a rule may define in package blockgate.rules (SPEC 6, design "Rule outputs"). */
const RULE_OUTPUTS = ['deny', 'warn', 'breakpoints'] as const;

/** seal.json of a built bundle: the one seal format (src/engine/bundle.ts). */
export type RulesSeal = Seal;

export interface BuildRulesOptions {
  /**
   * The directory of rules (*.rego in package blockgate.rules, *_test.rego, data.json). Without
   * it, blockgate's policy alone is built: the shipped bundle, in the same format.
   */
  rules?: string;
  /** Where bundle.tar.gz and seal.json are written (created when missing). */
  out: string;
  /** The opa CLI to use; else the first on the PATH, else .tools/bin/opa beside the package. */
  opa?: string;
  /** A PEM private key: the bundle is signed with OPA's bundle signing (.signatures.json). */
  signingKey?: string;
  /** RS256 ... ES512, PS*, EdDSA; by default the one that fits the key (RS256 for RSA). */
  signingAlg?: string;
  env?: NodeJS.ProcessEnv;
}

export interface BuildResult {
  bundle: string;
  sealPath: string;
  seal: RulesSeal;
}

export interface SourceFile {
  /** The path inside the bundle (and the staging directory), with '/'. */
  staged: string;
  /** The path as the user knows it. */
  shown: string;
  text: string;
}

export const posix = (path: string) => path.split(sep).join('/');

/** Every regular file under `dir`, sorted, as paths relative to it; a link is refused (it would be silently left out). */
function listFiles(dir: string, shownDir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const entries = readdirSync(join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const path = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(path);
      else if (e.isFile()) out.push(path);
      else if (e.isSymbolicLink() && /\.rego$|(^|\/)data\.(json|ya?ml)$/.test(e.name)) {
        throw ruleError(`${shownDir}/${path}: a symbolic link; give the rule file itself`, { file: `${shownDir}/${path}` });
      }
    }
  };
  walk('');
  return out;
}

export interface RulesSources {
  rego: SourceFile[];
  /** The *_test.rego files, as the user names them (opa test runs them; never compiled into a bundle). */
  tests: string[];
  data: SourceFile[];
}

/** The rules in `rulesDir`: its rules, their tests and data.json files (each checked to fill only data.blockgate_rules_config). */
export function rulesSources(rulesDir: string): RulesSources {
  const shownDir = posix(rulesDir).replace(/\/+$/, '') || '.';
  let isDir = false;
  try {
    isDir = lstatSync(rulesDir).isDirectory();
  } catch {
    // refused below
  }
  if (!isDir) throw ruleError(`--rules ${rulesDir}: not a directory of rules`, { file: rulesDir });
  const rego: SourceFile[] = [];
  const tests: string[] = [];
  const data: SourceFile[] = [];
  for (const rel of listFiles(rulesDir, shownDir)) {
    const shown = `${shownDir}/${rel}`;
    const base = rel.slice(rel.lastIndexOf('/') + 1);
    if (base === 'data.yaml' || base === 'data.yml') throw ruleError(`${shown}: rule data must be data.json (YAML is not read)`, { file: shown });
    if (base === 'data.json') data.push({ staged: 'data.json', shown, text: readTextFile(join(rulesDir, rel), RULE_BUILD, shown) });
    else if (rel.endsWith('_test.rego')) tests.push(shown);
    else if (rel.endsWith('.rego')) rego.push({ staged: `rules/${rel}`, shown, text: readTextFile(join(rulesDir, rel), RULE_BUILD, shown) });
  }
  if (rego.length === 0) throw ruleError(`--rules ${rulesDir}: holds no rules (*.rego files other than *_test.rego)`, { file: rulesDir });
  mergeData(data);
  return { rego, tests, data };
}

/** blockgate's own policy (tests excluded), staged under policies/blockgate/. */
export function policySources(): SourceFile[] {
  return listFiles(POLICY_DIR, 'policies/blockgate')
    .filter((rel) => rel.endsWith('.rego') && !rel.endsWith('_test.rego'))
    .map((rel) => ({ staged: `policies/blockgate/${rel}`, shown: `policies/blockgate/${rel}`, text: readFileSync(join(POLICY_DIR, rel), 'utf8') }));
}

/** Every data.json of the rules, merged: each must be {"blockgate_rules_config": {NAME: ...}}, each NAME in one file. */
function mergeData(files: SourceFile[]): SourceFile | undefined {
  if (files.length === 0) return undefined;
  const merged: Record<string, unknown> = {};
  const from = new Map<string, string>();
  for (const f of files) {
    const value = parseJson(f.text, f.shown, { code: RULE_BUILD }).value as Record<string, unknown>;
    const keys = typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : [];
    const config = value?.[RULES_DATA_ROOT];
    if (keys.length !== 1 || keys[0] !== RULES_DATA_ROOT || typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw ruleError(`${f.shown}: rule data must be one object {"${RULES_DATA_ROOT}": {NAME: ...}} (data.${RULES_DATA_ROOT}.NAME; never data.world or data.blockgate)`, { file: f.shown });
    }
    for (const [name, v] of Object.entries(config)) {
      const earlier = from.get(name);
      if (earlier !== undefined) throw ruleError(`${f.shown}: data.${RULES_DATA_ROOT}.${name} is also set by ${earlier}`, { file: f.shown });
      from.set(name, f.shown);
      Object.defineProperty(merged, name, { value: v, enumerable: true, writable: true, configurable: true });
    }
  }
  return { staged: 'data.json', shown: files.map((f) => f.shown).join(', '), text: JSON.stringify({ [RULES_DATA_ROOT]: merged }) };
}

/** The hash of the sources, as the Makefile's: each staged path and content, NUL-separated, in path order. */
function sourceSha256(files: SourceFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.staged < b.staged ? -1 : a.staged > b.staged ? 1 : 0))) {
    h.update(`${f.staged}\0`).update(f.text).update('\0');
  }
  return h.digest('hex');
}

// ---------------------------------------------------------------------------------------------
// What the rules declare: their package, the ids of deny and warn, their METADATA.

interface Term { type?: string; value?: unknown; location?: { row?: number } }
interface ParsedRule { head?: { ref?: Term[]; name?: string; key?: Term; location?: { row?: number } }; annotations?: Array<{ title?: string; description?: string }> }
interface ParsedModule { package?: { path?: Term[]; location?: { row?: number } }; rules?: ParsedRule[] }

export interface DeclaredRules {
  outputs: Set<string>;
  ids: Map<string, RuleInfo & { line: number | undefined }>;
  dynamic: Set<string>;
}

function literalId(key: Term | undefined): string | undefined {
  if (key?.type !== 'object' || !Array.isArray(key.value)) return undefined;
  for (const pair of key.value as Array<[Term, Term]>) {
    if (pair[0]?.type === 'string' && pair[0].value === 'id') return pair[1]?.type === 'string' && typeof pair[1].value === 'string' ? pair[1].value : undefined;
  }
  return undefined;
}

function declaredRules(opa: string, stage: string, rego: SourceFile[]): DeclaredRules {
  const declared: DeclaredRules = { outputs: new Set(), ids: new Map(), dynamic: new Set() };
  for (const f of rego) {
    const run = runOpa(opa, ['parse', '--format', 'json', '--json-include', 'locations', f.staged], stage);
    if (run.status !== 0) throw opaFailure(run, `opa parse ${f.shown}`, () => f.shown);
    const module = JSON.parse(run.stdout) as ParsedModule;
    const path = (module.package?.path ?? []).map((t) => t.value);
    const name = path.slice(1).join('.');
    if (path.length !== 3 || path[0] !== 'data' || path[1] !== 'blockgate' || path[2] !== 'rules') {
      throw ruleError(located(f.shown, module.package?.location?.row, `package ${name}: a rule must be in package blockgate.rules exactly (not another package, nor a subpackage)`), { file: f.shown, line: module.package?.location?.row });
    }
    for (const rule of module.rules ?? []) {
      const head = rule.head;
      const output = head?.ref?.[0]?.value ?? head?.name;
      if (typeof output !== 'string' || !(RULE_OUTPUTS as readonly string[]).includes(output) || (head?.ref?.length ?? 1) !== 1) continue;
      declared.outputs.add(output);
      if (output === 'breakpoints') continue;
      const id = literalId(head?.key);
      if (id === undefined) { declared.dynamic.add(f.shown); continue; }
      const line = head?.location?.row;
      const meta = rule.annotations?.[0];
      const known = declared.ids.get(id);
      if (known !== undefined && known.file !== f.shown) {
        throw ruleError(located(f.shown, line, `the rule id ${quoted(id)} is also used in ${located(known.file, known.line, '').replace(/: $/, '')}; an id belongs to one file`), { file: f.shown, line });
      }
      if (known === undefined || (known.title === null && meta?.title !== undefined)) {
        declared.ids.set(id, { file: f.shown, title: meta?.title ?? null, description: meta?.description ?? null, line: known?.line ?? line });
      }
    }
  }
  return declared;
}

// ---------------------------------------------------------------------------------------------
// Builtins: the bundle may call only what OPA's WASM implements or this host provides.

/** The builtins a compiled policy imports from its host (its `builtins` export), without running it. */
export function importedBuiltins(wasm: Uint8Array): string[] {
  const memory = new WebAssembly.Memory({ initial: 5 });
  const refuse = () => { throw new Error('the policy ran while only its builtins were read'); };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(wasm)), {
    env: { memory, opa_abort: refuse, opa_println: refuse, opa_builtin0: refuse, opa_builtin1: refuse, opa_builtin2: refuse, opa_builtin3: refuse, opa_builtin4: refuse },
  });
  const exports = instance.exports as unknown as { builtins(): number; opa_json_dump(v: number): number };
  const address = exports.opa_json_dump(exports.builtins());
  const bytes = new Uint8Array(memory.buffer);
  const end = bytes.indexOf(0, address);
  return Object.keys(JSON.parse(new TextDecoder().decode(bytes.subarray(address, end))) as object).sort();
}

function checkBuiltins(opa: string, stage: string, declared: DeclaredRules, shownOf: (f: string) => string): void {
  if (declared.outputs.size === 0) return;
  const probe = join(stage, '..', 'probe.tar.gz');
  // Through the core entrypoints, which read every rule output (a probe with the rules' outputs as
  // entrypoints trips OPA 1.22.3's WASM compile once the core policy reads them: "function used as
  // reference"). The core's own builtins all run here, so any builtin missing is the rules'.
  const entrypoints = Object.values(ENTRYPOINTS).flatMap((e) => ['-e', e]);
  const run = runOpa(opa, ['build', '-b', '.', '-t', 'wasm', ...entrypoints, '-o', probe], stage);
  if (run.status !== 0) throw opaFailure(run, 'opa build', shownOf);
  const wasm = readOpaBundle(readFileSync(probe), { name: probe }).wasm;
  const provided = new Set(hostBuiltinNames());
  const missing = importedBuiltins(wasm).filter((b) => !provided.has(b));
  if (missing.length === 0) return;
  // opa itself says where each is called: the same check with those builtins taken away.
  const caps = runOpa(opa, ['capabilities', '--current'], stage);
  const capabilities = JSON.parse(caps.stdout) as { builtins: Array<{ name: string }> };
  capabilities.builtins = capabilities.builtins.filter((b) => !missing.includes(b.name));
  const capsFile = join(stage, '..', 'capabilities.json');
  writeFileSync(capsFile, JSON.stringify(capabilities));
  const check = runOpa(opa, ['check', '--format', 'json', '--capabilities', capsFile, 'rules'], stage);
  const why = `${missing.join(', ')}: OPA's WebAssembly lacks ${missing.length === 1 ? 'this builtin' : 'these builtins'} and blockgate's host does not provide ${missing.length === 1 ? 'it' : 'them'}`;
  if (check.status === 0) throw ruleError(`the rules call ${why}`);
  const e = opaFailure(check, 'opa check', shownOf);
  const problems = e.problems.map((p) => ({ ...p, message: `${p.message} (${why})` }));
  throw BlockgateError.fromProblems(problems);
}

// ---------------------------------------------------------------------------------------------
// Signing.

const KEY_ALGORITHMS: Record<string, string[]> = {
  rsa: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  'rsa-pss': ['PS256', 'PS384', 'PS512'],
  'ec:prime256v1': ['ES256'], 'ec:secp384r1': ['ES384'], 'ec:secp521r1': ['ES512'],
  ed25519: ['EdDSA'],
};

function signingKey(path: string, alg: string | undefined): { key: KeyObject; alg: string; path: string } {
  if (alg !== undefined && /^HS/.test(alg)) {
    throw new BlockgateError('usage', `--signing-alg ${alg}: an HMAC secret cannot be checked with --bundle-key (a PEM public key); sign with an RSA, EC or Ed25519 key`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(readInputFile(path, 'usage'));
  } catch (e) {
    if (e instanceof BlockgateError) throw e;
    throw new BlockgateError('usage', `--signing-key ${path}: not a PEM private key (${(e as Error).message})`, { file: path });
  }
  const type = key.asymmetricKeyType === 'ec' ? `ec:${key.asymmetricKeyDetails?.namedCurve}` : key.asymmetricKeyType ?? '';
  const fits = KEY_ALGORITHMS[type] ?? [];
  const chosen = alg ?? fits[0];
  if (chosen === undefined || !fits.includes(chosen)) {
    throw new BlockgateError('usage', `--signing-key ${path}: a ${type || 'key of unknown type'} key cannot sign with ${alg ?? 'any algorithm blockgate verifies'}${fits.length ? ` (use ${fits.join(', ')})` : ''}`, { file: path });
  }
  return { key, alg: chosen, path: resolve(path) };
}

// ---------------------------------------------------------------------------------------------

function blockgateVersion(): string {
  return (JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string }).version;
}

function viewVersion(policy: SourceFile[]): number {
  const view = policy.find((f) => f.staged === 'policies/blockgate/view.rego');
  const m = view && /^view_version := (\d+)$/m.exec(view.text);
  if (!m) throw new BlockgateError('internal', `${POLICY_DIR}view.rego declares no view_version`);
  return Number(m[1]);
}

/** Builds OUT/bundle.tar.gz and OUT/seal.json from the rules and blockgate's policy. */
export async function buildRules(opts: BuildRulesOptions): Promise<BuildResult> {
  const opa = findOpa(opts.opa, opts.env);
  const signing = opts.signingKey === undefined ? undefined : signingKey(opts.signingKey, opts.signingAlg);
  if (signing === undefined && opts.signingAlg !== undefined) throw new BlockgateError('usage', '--signing-alg needs --signing-key');
  const { rego, data } = opts.rules === undefined ? { rego: [], data: [] } : rulesSources(opts.rules);
  const policy = policySources();
  const mergedData = mergeData(data);
  const sources = [...policy, ...rego, ...(mergedData ? [mergedData] : [])];
  const shown = new Map(sources.map((f) => [f.staged, f.shown]));
  const shownOf = (file: string) => shown.get(posix(file).replace(/^\.\//, '')) ?? file;

  const work = mkdtempSync(join(tmpdir(), 'blockgate-build-'));
  try {
    const stage = join(work, 'bundle');
    for (const f of sources) {
      mkdirSync(dirname(join(stage, f.staged)), { recursive: true });
      writeFileSync(join(stage, f.staged), f.text);
    }
    const version = opaVersion(opa, stage);
    const check = runOpa(opa, ['check', '--format', 'json', '.'], stage);
    if (check.status !== 0) throw opaFailure(check, 'opa check', shownOf);
    const declared = declaredRules(opa, stage, rego);
    checkBuiltins(opa, stage, declared, shownOf);

    const source = sourceSha256(sources);
    const revision = source.slice(0, 16);
    const entrypoints = Object.values(ENTRYPOINTS) as string[];
    const built = join(work, BUNDLE_FILE);
    const args = ['build', '-b', '.', '-t', 'wasm', ...entrypoints.flatMap((e) => ['-e', e]), '--revision', revision, '-o', built];
    if (signing) args.push('--signing-key', signing.path, '--signing-alg', signing.alg);
    const run = runOpa(opa, args, stage);
    if (run.status !== 0) throw opaFailure(run, 'opa build', shownOf);

    // Read back as every command will read it: the signature (if any) verifies, the manifest fits.
    const bytes = readFileSync(built);
    const bundle = readOpaBundle(bytes, { name: built, ...(signing ? { key: createPublicKey(signing.key) } : {}) });
    if (bundle.manifest.revision !== revision || bundle.manifest.wasm.map((w) => w.entrypoint).join() !== entrypoints.join()) {
      throw new BlockgateError('internal', `${built}: opa build wrote a manifest without revision ${revision} and entrypoints ${entrypoints.join(', ')}`);
    }

    const rules: Record<string, RuleInfo> = {};
    for (const id of [...declared.ids.keys()].sort()) {
      const { file, title, description } = declared.ids.get(id)!;
      rules[id] = { file, title, description };
    }
    const seal: RulesSeal = {
      bundle: BUNDLE_FILE,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      opa_version: version,
      source_sha256: source,
      revision,
      entrypoints,
      view_version: viewVersion(policy),
      blockgate_version: blockgateVersion(),
      rules,
      dynamic_rules: [...declared.dynamic].sort(),
      signed: signing !== undefined,
    };

    try {
      mkdirSync(opts.out, { recursive: true });
      // The bundle first, the seal last: a build cut short leaves a seal that does not match, refused.
      const target = join(opts.out, BUNDLE_FILE);
      const temp = join(opts.out, `.${BUNDLE_FILE}.${process.pid}.tmp`);
      copyFileSync(built, temp);
      renameSync(temp, target);
    } catch (e) {
      throw new BlockgateError('io', `${opts.out}: cannot write the bundle: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { file: opts.out });
    }
    const sealPath = join(opts.out, SEAL_FILE);
    await replaceFile(sealPath, `${JSON.stringify(seal, null, 2)}\n`, { file: sealPath, what: 'the bundle seal' });
    return { bundle: join(opts.out, BUNDLE_FILE), sealPath, seal };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

