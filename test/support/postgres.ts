// A real PostgreSQL for the tests (issue 14: no mocks of the database): a fresh cluster in a
// temporary directory, listening on 127.0.0.1 at a free port and on a socket in that directory,
// with password (scram-sha-256) authentication so a wrong password is really refused.
// `usePostgres()` starts one per test file and always removes it; a missing PostgreSQL fails
// the file loudly (never a silent skip): `.ci/run` installs Debian's postgresql-15.
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

const run = promisify(execFile);

/** How long a start or stop may take on a loaded machine: a budget, not a speed check. */
const PG_CTL_TIMEOUT_SECONDS = 300;

export interface PostgresServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly database: string;
  /** The role the ledger connects as: owner of `database`, not a superuser, password-authenticated. */
  readonly user: string;
  readonly password: string;
  /** The cluster's directory (data, socket, log); removed by destroy(). */
  readonly dir: string;
  /** `postgresql://user:pw@127.0.0.1:PORT/db?table=NAME`; any part can be replaced. */
  url(table: string, parts?: UrlParts): string;
  /** Runs one statement (parameterised) as the superuser, in `database` unless told. */
  sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params?: unknown[], database?: string): Promise<T[]>;
  /** Stops the server: `fast` (clean shut-down) or `immediate` (a crash: no checkpoint). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and data (after stop()); waits until it accepts connections. */
  start(): Promise<void>;
  /** True when the server accepts connections right now (pg_isready). */
  ready(): boolean;
  /** The server's log so far (for a failing test's message). */
  log(): string;
  /** Stops it (immediate) if running and removes the directory. Idempotent. */
  destroy(): void;
}

export interface UrlParts {
  user?: string;
  password?: string | null;
  host?: string;
  port?: number;
  database?: string;
}

/** The directory holding initdb, pg_ctl and postgres, or null when PostgreSQL is not installed. */
export function postgresBinDir(): string | null {
  const candidates = [process.env.BLOCKGATE_PG_BINDIR, pgConfigBinDir(), '/usr/lib/postgresql/15/bin'];
  for (const dir of candidates) {
    if (dir && ['initdb', 'pg_ctl', 'postgres', 'pg_isready'].every((name) => existsSync(join(dir, name)))) return dir;
  }
  return null;
}

function pgConfigBinDir(): string | undefined {
  const found = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

export const POSTGRES_MISSING =
  'PostgreSQL is not installed (no initdb/pg_ctl/postgres in $BLOCKGATE_PG_BINDIR, `pg_config --bindir` or ' +
  '/usr/lib/postgresql/15/bin): the PostgreSQL ledger tests need it. Install it with ' +
  '`apt-get install -y postgresql-15` (.ci/run does this on CI).';

/** Who runs the server: initdb and postgres refuse root, so root hands them to the `postgres` user. */
interface RunAs {
  uid: number;
  gid: number;
  prefix: string[];
}

function runAs(): RunAs | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string): number => {
    const found = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
    if (found.status !== 0) throw new Error('running as root and there is no `postgres` user to run PostgreSQL as (initdb refuses root)');
    return Number(found.stdout.trim());
  };
  const uid = id('-u');
  const gid = id('-g');
  return { uid, gid, prefix: ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--'] };
}

const live = new Set<PostgresServer>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A worker that ends without afterAll (an error, a timeout) still leaves no server behind.
  process.on('exit', () => {
    for (const server of live) server.destroy();
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts a fresh cluster; the caller must destroy() it (usePostgres() does). */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(POSTGRES_MISSING);
  const as = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'blockgate-pg-'));
  if (as) chownSync(dir, as.uid, as.gid);
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const superuser = 'blockgate_admin';
  const superPassword = randomBytes(12).toString('hex');
  const user = 'ledger';
  const password = randomBytes(12).toString('hex');
  const database = 'blockgate';

  const tool = async (name: string, args: string[]): Promise<void> => {
    const [command, ...rest] = [...(as?.prefix ?? []), join(bin, name), ...args];
    try {
      await run(command!, rest, { cwd: dir, env: { ...process.env, LC_ALL: 'C' } });
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`${name} ${args.join(' ')} failed: ${failure.message}\n${failure.stdout ?? ''}${failure.stderr ?? ''}\n${readLog(logFile)}`);
    }
  };

  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${superPassword}\n`, { mode: 0o600 });
  if (as) chownSync(pwfile, as.uid, as.gid);
  await tool('initdb', ['-D', data, '-U', superuser, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync']);
  rmSync(pwfile);

  const port = await freePort();
  // Appended settings win over initdb's defaults. fsync stays on: the crash test needs real durability.
  writeFileSync(
    join(data, 'postgresql.conf'),
    [
      '',
      `port = ${port}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${dir}'`,
      'max_connections = 200',
      'shared_buffers = 32MB',
      "password_encryption = 'scram-sha-256'",
      '',
    ].join('\n'),
    { flag: 'a' },
  );

  let running = false;
  let destroyed = false;
  const start = async (): Promise<void> => {
    await tool('pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', String(PG_CTL_TIMEOUT_SECONDS), 'start']);
    running = true;
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast'): Promise<void> => {
    await tool('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', String(PG_CTL_TIMEOUT_SECONDS), 'stop']);
    running = false;
  };

  const sql = async <T extends pg.QueryResultRow>(text: string, params: unknown[] = [], db = database): Promise<T[]> => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: superuser, password: superPassword, database: db });
    await client.connect();
    try {
      return (await client.query<T>(text, params)).rows;
    } finally {
      await client.end();
    }
  };

  const server: PostgresServer = {
    host: '127.0.0.1',
    port,
    database,
    user,
    password,
    dir,
    url(table, parts = {}) {
      const who = encodeURIComponent(parts.user ?? user);
      const secret = parts.password === null ? '' : `:${encodeURIComponent(parts.password ?? password)}`;
      const query = new URLSearchParams({ table }).toString();
      return `postgresql://${who}${secret}@${parts.host ?? '127.0.0.1'}:${parts.port ?? port}/${encodeURIComponent(parts.database ?? database)}?${query}`;
    },
    sql,
    stop,
    start,
    ready() {
      return spawnSync(join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]).status === 0;
    },
    log() {
      return readLog(logFile);
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      live.delete(server);
      if (running) {
        const [command, ...rest] = [...(as?.prefix ?? []), join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop'];
        spawnSync(command!, rest, { cwd: dir, stdio: 'ignore' });
        running = false;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  live.add(server);
  installExitHook();

  try {
    await start();
    // A role that is not a superuser, as a ledger's would be; the database it owns.
    await sql(`CREATE ROLE ${user} LOGIN PASSWORD '${password}'`, [], 'postgres');
    await sql(`CREATE DATABASE ${database} OWNER ${user}`, [], 'postgres');
  } catch (error) {
    server.destroy();
    throw error;
  }
  return server;
}

function readLog(file: string): string {
  const shown = spawnSync('tail', ['-n', '40', file], { encoding: 'utf8' });
  return shown.status === 0 ? shown.stdout : '';
}

/**
 * One PostgreSQL for the calling test file: started in beforeAll, destroyed in afterAll. The
 * returned object is filled in by beforeAll, so use it inside tests only.
 */
export function usePostgres(): PostgresServer {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => {
    server?.destroy();
  });
  return new Proxy({} as PostgresServer, {
    get(_target, property) {
      if (!server) throw new Error(postgresBinDir() ? 'PostgreSQL is not started yet (use it inside a test)' : POSTGRES_MISSING);
      const value = Reflect.get(server, property) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(server) : value;
    },
  });
}

/** Waits for `probe` to return true, checking every `everyMs`, failing after `deadlineMs` (a generous budget). */
export async function eventually(probe: () => Promise<boolean> | boolean, what: string, deadlineMs = 60_000, everyMs = 50): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > until) throw new Error(`still not true after ${deadlineMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
