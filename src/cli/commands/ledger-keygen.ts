import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CommandModule } from 'yargs';
import { BlockgateError } from '../../errors.js';
import { generateKeyPair, loadTrust } from '../../ledger/keys.js';
import { readTextFile } from '../../load/files.js';
import { parseJson } from '../../load/json.js';
import type { TrustFile } from '../../schema/types.js';
import { EXIT } from '../exit.js';
import { withFormat } from '../options.js';
import { refuseStdinFor, type Runner } from '../context.js';

interface Args { id: string; role: string; out: string; trust?: string; format: string }

function writeNew(path: string, text: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true });
  try {
    // 'wx': never overwrite a key that may already sign entries.
    writeFileSync(path, text, { flag: 'wx', mode });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BlockgateError('io', code === 'EEXIST' ? `${path}: already exists; refusing to overwrite a key` : `${path}: cannot write: ${code ?? String(e)}`);
  }
  chmodSync(path, mode);
}

/** The trust file to add a key to (empty when missing); a duplicate id is refused before any key is made. */
function trustToExtend(path: string, id: string): TrustFile {
  if (!existsSync(path)) return { keys: [] };
  const trust = loadTrust(path);
  if (trust.keys.has(id)) throw new BlockgateError('trust-schema', `${path}: already has a key with id ${id}`, { file: path });
  return parseJson(readTextFile(path, 'trust-parse'), path, { code: 'trust-parse' }).value as TrustFile;
}

function addToTrust(path: string, doc: TrustFile, key: { id: string; role: string; public_key: string }): void {
  doc.keys.push(key);
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(doc, null, 2)}\n`);
  renameSync(temp, path);
}

export function ledgerKeygenCommand(run: Runner): CommandModule<object, Args> {
  return {
    command: 'keygen',
    describe: 'make an Ed25519 key pair (private key file mode 0600) and optionally trust it',
    builder: (y) => withFormat(y, 'data')
      .option('id', { type: 'string', demandOption: true, describe: 'key id, e.g. owner-1' })
      .option('role', { type: 'string', demandOption: true, describe: 'role, e.g. owner' })
      .option('out', { type: 'string', demandOption: true, describe: 'private key file to create; the public key goes to FILE.pub' })
      .option('trust', { type: 'string', describe: 'trust file to add the public key to (created if missing)' }) as never,
    handler: (argv) => run(async (ctx) => {
      const render = ctx.need('data', 'ledger keygen');
      if (argv.id.trim() === '' || argv.role.trim() === '') throw new BlockgateError('usage', '--id and --role must not be empty');
      refuseStdinFor({ out: argv.out, trust: argv.trust }, 'ledger keygen writes it');
      // Every check first, so that a refusal leaves no key file behind.
      const trust = argv.trust !== undefined ? trustToExtend(argv.trust, argv.id) : undefined;
      const publicPath = `${argv.out}.pub`;
      for (const path of [argv.out, publicPath]) {
        if (existsSync(path)) throw new BlockgateError('io', `${path}: already exists; refusing to overwrite a key`);
      }
      const pair = generateKeyPair();
      writeNew(argv.out, pair.privateKeyPem, 0o600);
      writeNew(publicPath, pair.publicKeyPem, 0o644);
      if (argv.trust !== undefined) addToTrust(argv.trust, trust!, { id: argv.id, role: argv.role, public_key: pair.publicKeyPem });
      return {
        output: render({ key_id: argv.id, role: argv.role, private_key: argv.out, public_key: publicPath, trust: argv.trust ?? null }, ctx.render),
        exitCode: EXIT.ok,
      };
    }),
  };
}
