// The flags every command shares, and how they become library options.

import type { Argv } from 'yargs';
import { BlockgateError } from '../errors.js';
import { STDIN_PATH } from '../load/files.js';
import { readSealedBundle, type SealedBundle } from '../engine/bundle.js';
import type { GateOptions, Request } from '../gate/types.js';
import { formatsFor, type Renderer } from '../render/index.js';

export interface InputArgs {
  blockers: string[];
  ledger?: string;
  trust?: string;
  catalog?: string;
  'insecure-no-verify': boolean;
  'ledger-head'?: string;
  format: string;
}

export interface RequestArgs {
  action?: string;
  env?: string;
  target?: string;
  at?: string;
}

/** --format, listing the formats that can render what the command prints. */
export function withFormat<T>(y: Argv<T>, result: keyof Renderer) {
  return y.option('format', {
    type: 'string', default: 'text', describe: `output format: ${formatsFor(result).join(', ')} (or "format" in blockgate.json, BLOCKGATE_FORMAT)`,
  }).option('config', { type: 'string', describe: 'the config file (default: BLOCKGATE_CONFIG, else blockgate.json here or in a parent)' });
}

export interface BundleArgs {
  bundle?: string;
  'bundle-key'?: string;
}

/** --bundle and --bundle-key: which policy bundle decides (SPEC 6); every command that decides has them. */
export function withBundle<T>(y: Argv<T>) {
  return y
    .option('bundle', { type: 'string', describe: 'decide with the bundle in this directory (bundle.tar.gz and seal.json, from `blockgate build`) instead of the shipped one' })
    .option('bundle-key', { type: 'string', describe: 'PEM public key or certificate: the bundle must carry a valid OPA signature by it' });
}

/**
 * The policy bundle a run decides with: --bundle DIR's, else the shipped one; with --bundle-key
 * its signature is mandatory. Read and checked once per run (any problem is `bundle-seal`).
 */
export function commandBundle(argv: BundleArgs): SealedBundle {
  for (const flag of ['bundle', 'bundle-key'] as const) {
    if (argv[flag] === STDIN_PATH || argv[flag] === '') throw new BlockgateError('usage', `--${flag} ${quotedFlag(argv[flag]!)}: give a ${flag === 'bundle' ? 'directory' : 'file'}`);
  }
  return readSealedBundle(argv.bundle, argv['bundle-key'] === undefined ? {} : { keyFile: argv['bundle-key'] });
}

const quotedFlag = (value: string) => (value === '' ? '""' : value);

export function withInputs<T>(y: Argv<T>, result: keyof Renderer) {
  return withBundle(withFormat(y, result))
    .option('blockers', {
      type: 'string', array: true,
      describe: 'blocker map file, directory (every *.json under it) or glob pattern (repeatable; required here, in BLOCKGATE_BLOCKERS or in blockgate.json)',
    })
    .option('ledger', { type: 'string', describe: 'grant ledger: a JSON Lines file (- reads standard input) or a postgresql:// URL; none means an empty ledger' })
    .option('trust', { type: 'string', describe: 'trust file of signing keys (required when the ledger has entries)' })
    .option('catalog', { type: 'string', describe: 'catalog of actions and environments (default: built in)' })
    .option('insecure-no-verify', {
      type: 'boolean', default: false, describe: 'do not check signatures; every entry counts with its own role',
    })
    .option('ledger-head', {
      type: 'string', describe: 'SEQ:HASH from `ledger head`: refuse a ledger that no longer contains that entry (truncated or rewritten)',
    });
}

export function withAt<T>(y: Argv<T>) {
  return y.option('at', { type: 'string', describe: 'decide at this RFC 3339 time (default: now)' });
}

export function withRequest<T>(y: Argv<T>) {
  return withAt(y)
    .option('action', { type: 'string', demandOption: true, describe: 'catalog action, e.g. apply' })
    .option('env', { type: 'string', demandOption: true, describe: 'catalog environment, e.g. production' })
    .option('target', { type: 'string', describe: 'target, e.g. QT001 (default: none)' });
}

export interface DecisionLogArgs {
  'decision-log'?: string;
}

export function withDecisionLog<T>(y: Argv<T>) {
  return y.option('decision-log', {
    type: 'string', describe: 'append every decision to this hash-chained JSON Lines log (see `replay`)',
  });
}

export function gateOptions(argv: InputArgs): GateOptions {
  const options: GateOptions = { blockers: argv.blockers, insecureNoVerify: argv['insecure-no-verify'] };
  if (argv.ledger !== undefined) options.ledger = argv.ledger;
  if (argv.trust !== undefined) options.trust = argv.trust;
  if (argv.catalog !== undefined) options.catalog = argv.catalog;
  if (argv['ledger-head'] !== undefined) options.ledgerHead = argv['ledger-head'];
  return options;
}

export function requestOf(argv: RequestArgs): Request {
  const request: Request = { action: argv.action ?? '', environment: argv.env ?? '' };
  if (argv.target !== undefined) request.target = argv.target;
  if (argv.at !== undefined) request.at = argv.at;
  return request;
}
