// The settings a project can configure once (issue 12): each one's key in blockgate.json, its
// environment variable and its flag. The one table the config reader, `blockgate config` and the
// command line's wiring all read.

export const CONFIG_FILE_NAME = 'blockgate.json';
/** The environment variable that names the config file (after --config, before the search). */
export const CONFIG_ENV = 'BLOCKGATE_CONFIG';

/** How a setting's value is read: a list of paths or globs, one path, a path or a PostgreSQL URL (a store), or plain text. */
export type SettingKind = 'paths' | 'path' | 'store' | 'text';

export interface SettingSpec {
  /** The key in blockgate.json. */
  readonly key: string;
  /** The flag it stands for (without `--`). */
  readonly flag: string;
  readonly env: string;
  readonly kind: SettingKind;
}

export const SETTINGS = [
  { key: 'blockers', flag: 'blockers', env: 'BLOCKGATE_BLOCKERS', kind: 'paths' },
  { key: 'ledger', flag: 'ledger', env: 'BLOCKGATE_LEDGER', kind: 'store' },
  { key: 'trust', flag: 'trust', env: 'BLOCKGATE_TRUST', kind: 'path' },
  { key: 'catalog', flag: 'catalog', env: 'BLOCKGATE_CATALOG', kind: 'path' },
  { key: 'ledger_head', flag: 'ledger-head', env: 'BLOCKGATE_LEDGER_HEAD', kind: 'text' },
  { key: 'bundle', flag: 'bundle', env: 'BLOCKGATE_BUNDLE', kind: 'path' },
  { key: 'format', flag: 'format', env: 'BLOCKGATE_FORMAT', kind: 'text' },
  { key: 'decision_log', flag: 'decision-log', env: 'BLOCKGATE_DECISION_LOG', kind: 'store' },
] as const satisfies readonly SettingSpec[];

export type SettingKey = (typeof SETTINGS)[number]['key'];

/** A setting's value: a list for `blockers`, one string for every other. */
export type SettingValue<K extends SettingKey> = K extends 'blockers' ? string[] : string;

/** Where an effective value came from. */
export type SettingSource =
  | { from: 'flag'; flag: string }
  | { from: 'env'; name: string }
  | { from: 'file'; file: string; line: number };

export interface Setting<K extends SettingKey = SettingKey> {
  value: SettingValue<K>;
  source: SettingSource;
}

/** The settings in effect: only those set somewhere. */
export type Settings = { [K in SettingKey]?: Setting<K> };

/** The flags' values as the command line gave them (absent: not given). */
export type FlagValues = { [K in SettingKey]?: SettingValue<K> };

export function describeSource(source: SettingSource): string {
  switch (source.from) {
    case 'flag': return `--${source.flag}`;
    case 'env': return source.name;
    case 'file': return `${source.file} line ${source.line}`;
  }
}
