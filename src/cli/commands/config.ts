import { isPostgresUrl, redactedUrl } from '../../postgres/connect.js';
import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { resolveConfig, type EffectiveConfig } from '../../config/config.js';
import { describeSource, SETTINGS, type FlagValues, type SettingKey } from '../../config/settings.js';
import { BlockgateError } from '../../errors.js';
import { EXIT } from '../exit.js';
import type { CliIO, Runner } from '../context.js';

/** What the configuration decides beyond the flags it fills in: the output format, which main reads from the raw arguments. */
export interface Configured {
  format?: string;
}

/** Whether `--flag` (or `--flag=...`) is among the tokens before `--`. */
function givenOnCommandLine(head: readonly string[], flag: string): boolean {
  return head.some((t) => t === `--${flag}` || t.startsWith(`--${flag}=`));
}

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Fills the command's setting flags that the command line left out from the environment and
 * blockgate.json (flags beat environment, environment beats the file). Commands without any
 * setting flag never read the config. A command that takes --blockers gets it from somewhere, or
 * is a usage error.
 */
export function applyConfig(argv: Record<string, unknown>, commandFlags: readonly string[], head: readonly string[], io: CliIO): Configured {
  const relevant = SETTINGS.filter((s) => commandFlags.includes(s.flag));
  if (relevant.length === 0) return {};
  const flags: FlagValues = {};
  for (const s of relevant) {
    const value = argv[s.flag];
    if (value !== undefined && givenOnCommandLine(head, s.flag)) (flags as Record<string, unknown>)[s.key] = value;
  }
  const configFlag = typeof argv.config === 'string' ? argv.config : undefined;
  const { settings } = resolveConfig({ cwd: process.cwd(), env: io.env, flags, ...(configFlag === undefined ? {} : { configFlag }) });
  for (const s of relevant) {
    const setting = settings[s.key];
    if (setting === undefined || setting.source.from === 'flag') continue;
    argv[s.flag] = setting.value;
    argv[camel(s.flag)] = setting.value;
  }
  if (commandFlags.includes('blockers') && argv.blockers === undefined) {
    throw new BlockgateError('usage', 'no blocker maps: give --blockers PATH|GLOB, BLOCKGATE_BLOCKERS, or "blockers" in blockgate.json');
  }
  const configured: Configured = {};
  if (settings.format !== undefined) configured.format = settings.format.value;
  return configured;
}

/** The effective settings as `config --format json` prints them: every key, null when unset. */
export function configView(config: EffectiveConfig): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const { key } of SETTINGS) {
    const setting = config.settings[key as SettingKey];
    settings[key] = setting === undefined ? null : { value: shownValue(setting.value), ...setting.source, where: describeSource(setting.source) };
  }
  return { config_file: config.file === null ? null : { path: config.file.path, found_by: config.file.origin }, settings };
}

/** A value as printed: a PostgreSQL URL without its password. */
function shownValue<T>(value: T): T | string {
  return typeof value === 'string' && isPostgresUrl(value) ? redactedUrl(value) : value;
}

const FOUND_BY = { flag: '--config', env: 'BLOCKGATE_CONFIG', search: 'found from the working directory' } as const;

function configText(config: EffectiveConfig): string {
  const file = config.file === null
    ? 'config file: none (no blockgate.json in the working directory or a parent)'
    : `config file: ${resolve(config.file.path)} (${FOUND_BY[config.file.origin]})`;
  const width = Math.max(...SETTINGS.map((s) => s.key.length));
  const rows = SETTINGS.map(({ key }) => {
    const setting = config.settings[key as SettingKey];
    if (setting === undefined) return `${key.padEnd(width)}  (not set)`;
    const value = Array.isArray(setting.value) ? setting.value.join(' ') : shownValue(setting.value);
    return `${key.padEnd(width)}  ${value}  (from ${describeSource(setting.source)})`;
  });
  return `${[file, ...rows].join('\n')}\n`;
}

export function configCommand(run: Runner): CommandModule<object, { format?: string; config?: string }> {
  return {
    command: 'config',
    describe: 'print the effective settings (blockgate.json, BLOCKGATE_* variables) and where each came from',
    // --format without a default, so that the view can say whether it was given.
    builder: (y) => y
      .option('format', { type: 'string', describe: 'output format: text (default) or json' })
      .option('config', { type: 'string', describe: 'the config file (default: BLOCKGATE_CONFIG, else blockgate.json here or in a parent)' }) as never,
    handler: (argv) => run(async (ctx) => {
      const format = ctx.renderer.format;
      if (format !== 'text' && format !== 'json') throw new BlockgateError('usage', `--format ${format} is not available for config; use text or json`);
      const flags = argv.format === undefined ? {} : { format: argv.format };
      const config = resolveConfig({ cwd: process.cwd(), env: ctx.io.env, flags, ...(argv.config === undefined ? {} : { configFlag: argv.config }) });
      const output = format === 'json' ? `${JSON.stringify(configView(config), null, 2)}\n` : configText(config);
      return { output, exitCode: EXIT.ok };
    }),
  };
}
