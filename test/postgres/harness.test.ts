// The PostgreSQL harness itself: a real server, password authentication that really refuses,
// a crash (stop -m immediate) and a restart on the same port keeping committed rows.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { usePostgres } from '../support/postgres.js';

const server = usePostgres();

async function connectAs(password: string): Promise<string> {
  const client = new pg.Client({ host: server.host, port: server.port, user: server.user, password, database: server.database });
  await client.connect();
  try {
    const rows = (await client.query<{ who: string }>('SELECT current_user AS who')).rows;
    return rows[0]!.who;
  } finally {
    await client.end();
  }
}

describe('PostgreSQL test harness', () => {
  it('accepts the ledger role with its password and refuses a wrong one', async () => {
    expect(await connectAs(server.password)).toBe(server.user);
    await expect(connectAs('wrong-password')).rejects.toThrow(/password authentication failed/);
  });

  it('gives a URL naming the role, port, database and table', () => {
    const url = new URL(server.url('grants'));
    expect(url.protocol).toBe('postgresql:');
    expect(url.hostname).toBe('127.0.0.1');
    expect(Number(url.port)).toBe(server.port);
    expect(url.username).toBe(server.user);
    expect(url.pathname).toBe(`/${server.database}`);
    expect(url.searchParams.get('table')).toBe('grants');
    expect(server.url('grants', { password: null })).not.toContain(server.password);
  });

  it('keeps committed rows across a crash and restarts on the same port', async () => {
    await server.sql('CREATE TABLE harness_probe (n integer PRIMARY KEY)');
    await server.sql('INSERT INTO harness_probe VALUES (1), (2)');
    await server.stop('immediate');
    expect(server.ready()).toBe(false);
    await expect(connectAs(server.password)).rejects.toThrow();
    await server.start();
    expect(server.ready()).toBe(true);
    const rows = await server.sql<{ n: number }>('SELECT n FROM harness_probe ORDER BY n');
    expect(rows.map((row) => row.n)).toEqual([1, 2]);
  });
});
