// Worlds for the rule bundle (SPEC 6, the four examples under examples/rules/): a generated world
// (generator.ts) moved in time to one edge of a change-freeze window, then given what the rules
// look at: keys with principals (shared across roles, or equal to another key's id), grant
// lifetimes around max_days (none, exactly, one ms either side, well over), evidence URIs on
// allowed and hostile hosts, and requests at, one ms before and one ms after each window edge.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { arbRawWorld, buildWorld, HOUR, timeText } from './generator.js';
import { ROOT } from './opa.js';
import type { TimeSpec, WorldSpec } from './world.js';

export const EXAMPLES_DIR = join(ROOT, 'examples/rules');
export const EXAMPLES = ['change-freeze', 'separation-of-duties', 'max-grant-lifetime', 'evidence-origin'] as const;

/** The examples' settings, read from their data.json files (config, not Rego). */
export interface RulesConfig {
  change_freeze: { actions: string[]; environments: string[]; windows: { name: string; start: string; end: string; time_zone: string }[] };
  max_grant_lifetime: { max_days: number; deny_environments: string[] };
  evidence_origin: { hosts: string[] };
}

export function readRulesConfig(): RulesConfig {
  const config: Record<string, unknown> = {};
  for (const name of EXAMPLES) {
    let text: string;
    try {
      text = readFileSync(join(EXAMPLES_DIR, name, 'data.json'), 'utf8');
    } catch {
      continue; // separation-of-duties has no settings
    }
    Object.assign(config, (JSON.parse(text) as { blockgate_rules_config: Record<string, unknown> }).blockgate_rules_config);
  }
  return config as unknown as RulesConfig;
}

export const DAY = 86_400_000;

/** Every freeze window edge (start and end), in epoch ms. */
export function windowEdges(config: RulesConfig): number[] {
  return config.change_freeze.windows.flatMap((w) => [Date.parse(w.start), Date.parse(w.end)]);
}

/** Evidence URIs: allowed spellings, and hosts that only look allowed. */
const URIS = [
  'https://docs.example.com/runbook/1',
  'https://DOCS.Example.COM:443/x',
  'HTTPS://evidence.example.org?q=1#f',
  'https://docs.example.com#@evil.example',
  'https://docs.example.com@evil.example/',
  'https://user@docs.example.com/',
  'https://docs.example.com.evil.example/',
  'https://docs.example.com./x',
  'https://docs.example.com:/x',
  'https://docs.example.com:44a/x',
  'https://docs.example.com%2e/x',
  'https://docs.example.com\\@evil.example/',
  'http://docs.example.com/x',
  'https://evil.example/?a=1&b=<2>',
  'https://evil.example/é\u2028',
  'file:///etc/passwd',
  ' https://docs.example.com/',
];

/** Mostly Alice, so that one person often holds keys of several roles. */
const PRINCIPALS = ['alice', 'alice', 'alice', 'bob', 'k-1', 'Alice'];

/** Lifetimes (expires_at - issued_at), or null: no expires_at. */
const lifetimes = (maxDays: number): (number | null)[] => [
  null, maxDays * DAY, maxDays * DAY + 1, maxDays * DAY - 1, (maxDays - 1) * DAY, (maxDays + 1) * DAY, 30 * DAY, 2 * HOUR,
];

interface RawRules {
  /** Which window edge the world sits at; one past the last: far from every window. */
  edge: number;
  /** The grid starts this many hours before the edge. */
  hoursBefore: number;
  /** Every key held by one person (a third of the worlds): separation of duties has something to refuse. */
  onePerson: boolean;
  /** Per trust key: 0 none, else PRINCIPALS[n - 1]. */
  principals: number[];
  /** Per entry: 0 as generated, else lifetimes()[n - 1]. */
  lifetimes: number[];
  /** Per entry: 0 as generated, else one or two URIs. */
  uris: { n: number; first: number; second: number }[];
  /** Grants for every role of every blocker (generator.ts's `cover`) in most worlds: rules look at satisfied blockers. */
  cover: boolean;
  /** Per request after the first: 0 as generated, else an edge and -1 / 0 / +1 ms. */
  at: { kind: number; edge: number; delta: number; offset: number; fraction: number }[];
}

const arbRawRules: fc.Arbitrary<RawRules> = fc.record({
  edge: fc.nat(4),
  cover: fc.nat(3).map((n) => n !== 0),
  onePerson: fc.nat(2).map((n) => n === 0),
  hoursBefore: fc.nat(10),
  principals: fc.array(fc.nat(PRINCIPALS.length), { minLength: 16, maxLength: 16 }),
  lifetimes: fc.array(fc.nat(8), { minLength: 40, maxLength: 40 }),
  uris: fc.array(fc.record({ n: fc.nat(3), first: fc.nat(URIS.length - 1), second: fc.nat(URIS.length - 1) }), { minLength: 40, maxLength: 40 }),
  at: fc.array(fc.record({ kind: fc.nat(2), edge: fc.nat(3), delta: fc.nat(2), offset: fc.nat(8), fraction: fc.nat(3) }), { minLength: 4, maxLength: 4 }),
});

/** A generated world given what the four example rules look at. */
export function rulesWorld(raw: Parameters<typeof buildWorld>[0], rules: RawRules, config: RulesConfig): WorldSpec {
  const edges = windowEdges(config);
  const base = rules.edge < edges.length ? edges[rules.edge]! - rules.hoursBefore * HOUR : Date.UTC(2026, 10, 20);
  const world = buildWorld({ ...raw, cover: raw.cover || rules.cover }, base);
  world.trust.forEach((k, i) => {
    const p = rules.principals[i % rules.principals.length]!;
    if (rules.onePerson) k.principal = 'alice';
    else if (p > 0) k.principal = PRINCIPALS[p - 1]!;
  });
  const span = lifetimes(config.max_grant_lifetime.max_days);
  world.entries.forEach((e, i) => {
    if (e.fields.type !== 'grant') return;
    const life = rules.lifetimes[i % rules.lifetimes.length]!;
    if (life > 0) {
      const ms = span[life - 1]!;
      if (ms === null) {
        delete e.fields.expires_at;
        delete e.expires;
      } else {
        const expires: TimeSpec = { ms: e.issued.ms + ms, text: timeText(e.issued.ms + ms, i, i, false) };
        e.fields.expires_at = expires.text;
        e.expires = expires;
      }
    }
    const u = rules.uris[i % rules.uris.length]!;
    if (u.n > 0) {
      const uris = u.n === 1 ? [URIS[u.first]!] : [URIS[u.first]!, URIS[u.second]!];
      e.fields.evidence = uris.map((uri, j) => ({ uri, sha256: String.fromCharCode(97 + j).repeat(64) }));
    }
  });
  world.requests.forEach((r, i) => {
    const choice = rules.at[i % rules.at.length]!;
    if (i === 0 || choice.kind === 0) return;
    const ms = edges[choice.edge % edges.length]! + [-1, 0, 1][choice.delta]!;
    r.at = { ms, text: timeText(ms, choice.offset, choice.fraction, false) };
  });
  return world;
}

export function arbRulesWorld(config: RulesConfig): fc.Arbitrary<WorldSpec> {
  return fc.tuple(arbRawWorld, arbRawRules).map(([raw, rules]) => rulesWorld(raw, rules, config));
}
