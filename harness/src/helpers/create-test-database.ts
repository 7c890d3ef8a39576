import pg from 'pg';
import { uniqueName } from './unique-name.ts';

export interface TestDatabase {
  /** Same server and credentials as the admin URL, this database. */
  url: string;
  name: string;
  /** Drops the database, closing any connection still open to it. */
  drop(): Promise<void>;
}

const withClient = async <T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
};

/** Creates a fresh database with a unique name on the server of `adminUrl` (a superuser URL). */
export const createTestDatabase = async (adminUrl: string, prefix = 'test'): Promise<TestDatabase> => {
  // Dashes would need quoting everywhere the name is used; underscores do not.
  const name = uniqueName(prefix).replaceAll('-', '_');
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      // WITH (FORCE) (PostgreSQL 13+): a pool a test forgot to end must not block the drop.
      await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
};
