import pg from 'pg';

/**
 * Resolves once `url` accepts a connection and answers a query; rejects with the last error at
 * the deadline, or as soon as `failed()` reports that the server died.
 */
export const waitForPostgres = async (options: {
  url: string;
  deadlineMs: number;
  failed?: () => string | null;
}): Promise<void> => {
  const deadline = Date.now() + options.deadlineMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const failure = options.failed?.();
    if (failure) throw new Error(`PostgreSQL ${failure} before it accepted connections`);
    const client = new pg.Client({ connectionString: options.url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      lastError = error; // still starting: refused, or "the database system is starting up"
    } finally {
      // Ending a client whose connect failed can reject too; there is nothing left to close.
      await client.end().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `PostgreSQL at ${redact(options.url)} did not answer within ${options.deadlineMs} ms: ${String(lastError)}`,
  );
};

/** The URL without its password, for messages. */
export const redact = (url: string): string => url.replace(/(\/\/[^:/@]+):[^@]*@/, '$1:***@');
