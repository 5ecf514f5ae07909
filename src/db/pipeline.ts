import pg from 'pg';

export type ReadPipeline = {
  query(name: string, text: string, values: unknown[]): Promise<pg.QueryResult>;
  close(): Promise<void>;
};

/** The pipeline's connection, as PostgreSQL's pg_stat_activity names it. */
export const PIPELINE_APPLICATION_NAME = 'bulwark-reads';
/** Closed once this long has passed without a query, as the pool closes its idle connections. */
const IDLE_MS = 10_000;

/**
 * One connection in pg's pipeline mode for prepared point reads outside transactions. A query does not wait
 * for a free pooled connection or for the answers before it, and everything issued in one turn of the event
 * loop leaves in one write: one wake-up of the backend and one read of the answers serve many requests. Each
 * query is still a statement of its own with its own snapshot, taken when PostgreSQL runs it, so no read is
 * older than the request that asked for it. A slow query would hold up the ones queued behind it, which is
 * why only short indexed lookups belong here; transactions and everything else use the pool.
 */
export function createReadPipeline(url: string, idleMs = IDLE_MS): ReadPipeline {
  /** The connection being opened or open; `ready` once it is open. */
  let client: pg.Client | undefined;
  let ready: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let closed = false;
  let corked: pg.Client | undefined;
  let issued = 0;
  let idleTimer: NodeJS.Timeout | undefined;

  const forget = (c: pg.Client) => {
    if (client !== c) return;
    client = undefined;
    ready = undefined;
    connecting = undefined;
    clearInterval(idleTimer);
  };
  const watchIdle = (c: pg.Client) => {
    let seen = issued;
    idleTimer = setInterval(() => {
      if (issued !== seen) {
        seen = issued;
        return;
      }
      forget(c);
      // Queries still on the wire are answered before the connection says goodbye.
      void c.end();
    }, idleMs);
    idleTimer.unref();
  };
  const connect = () => {
    connecting ??= (async () => {
      const c = new pg.Client({ connectionString: url, application_name: PIPELINE_APPLICATION_NAME, pipeline: true });
      // A broken connection fails the queries it carries, as a pooled one would; the next query opens another.
      c.on('error', () => forget(c));
      c.on('end', () => forget(c));
      client = c;
      try {
        await c.connect();
      } catch (err) {
        forget(c);
        throw err;
      }
      ready = c;
      watchIdle(c);
      return c;
    })();
    return connecting;
  };
  const uncork = () => {
    corked?.connection.stream.uncork();
    corked = undefined;
  };
  const send = (c: pg.Client, name: string, text: string, values: unknown[]) => {
    issued += 1;
    if (corked === undefined) {
      // Held until the event loop has handled the I/O at hand, then written in one go.
      corked = c;
      c.connection.stream.cork();
      setImmediate(uncork);
    }
    return new Promise<pg.QueryResult>((resolve, reject) => {
      // Made from the text rather than from a config object, which pg copies descriptor by descriptor on every
      // query (a few µs); the name then makes it a prepared statement all the same (database.test.ts checks).
      const query = new pg.Query(text, values, (err, result) => (err ? reject(err) : resolve(result as unknown as pg.QueryResult)));
      (query as pg.Query & { name: string }).name = name;
      c.query(query);
    });
  };

  return {
    query(name, text, values) {
      if (closed) return Promise.reject(new Error('the database has been closed'));
      if (ready !== undefined) return send(ready, name, text, values);
      return connect().then((c) => send(c, name, text, values));
    },
    async close() {
      closed = true;
      const c = await connecting?.catch(() => undefined);
      if (c === undefined) return;
      forget(c);
      await c.end();
    },
  };
}
