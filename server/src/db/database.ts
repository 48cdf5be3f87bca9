import path from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { DataDirLock, type LockHolder } from './data-dir-lock';
import { OwnerOnlyNodeFS } from './owner-only-node-fs';
import { PreparingPGliteClient } from './prepared-pglite';

/** The knex instance Baton works with, and what is behind it. */
export interface Database {
  readonly knex: Knex;
  /** `embedded`: PGlite in the data directory, one connection. `postgres`: a real server, a pool. */
  readonly kind: 'embedded' | 'postgres';
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl: string | null;
  dataDir: string;
  poolMax?: number;
  /** Told when the embedded database's lock was left by a process that no longer holds it. */
  onStaleLock?: (holder: LockHolder) => void;
  /** Where knex's own warnings go (a connection that could not be had, say); the console without it. */
  log?: KnexLog;
}

/** knex's warnings and errors, to be written to the server's log. */
export interface KnexLog {
  warn(message: string): void;
  error(message: string): void;
}

function knexLog(log: KnexLog | undefined): Pick<Knex.Config, 'log'> {
  if (log === undefined) return {};
  return {
    log: {
      warn: (m: unknown) => log.warn(String(m)),
      error: (m: unknown) => log.error(String(m)),
      deprecate: (method: string, alternative: string) => log.warn(`${method} is deprecated: use ${alternative}`),
      debug: () => undefined,
    },
  };
}

// count(*) and bigint columns arrive as numbers on both clients; values beyond 2^53 do not
// occur in Baton's tables (ids and counts).
const INT8_OID = 20;
const parseInt8 = (value: string): number => Number(value);

// knex puts a failed query into its error's message; with this, the SQL only, never the values
// bound to it (a revision, a secret), which would otherwise reach logs and API answers.
const ERRORS_WITHOUT_VALUES = { compileSqlOnError: false } as const;

/**
 * The embedded database's files are read through the operating system's cache, where a page
 * read at random costs hardly more than one read in order. With PostgreSQL's default (4) the
 * planner read the whole packages table to join the few dozen due packages of a poll claim, at
 * three times the cost of looking each one up by key.
 */
const EMBEDDED_RANDOM_PAGE_COST = 1.1;

/** Opens PostgreSQL when a URL is given, otherwise the embedded database in `<dataDir>/pgdata`. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl === null
    ? openEmbedded(options.dataDir, options.onStaleLock, options.log)
    : openPostgres(options.databaseUrl, options.poolMax ?? 10, options.log);
}

async function openEmbedded(dataDir: string, onStaleLock?: (holder: LockHolder) => void, log?: KnexLog): Promise<Database> {
  const lock = DataDirLock.acquire(dataDir, onStaleLock);
  try {
    const pglite = new PGlite({ fs: new OwnerOnlyNodeFS(path.join(dataDir, 'pgdata')), parsers: { [pgliteTypes.INT8]: parseInt8 } });
    await pglite.waitReady;
    await pglite.exec(`SET random_page_cost = ${EMBEDDED_RANDOM_PAGE_COST}`);
    const knex = knexFactory({ client: PreparingPGliteClient as never, connection: { pglite } as never, ...ERRORS_WITHOUT_VALUES, ...knexLog(log) });
    return {
      knex,
      kind: 'embedded',
      async close() {
        await knex.destroy();
        lock.release();
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function openPostgres(databaseUrl: string, poolMax: number, log?: KnexLog): Promise<Database> {
  const knex = knexFactory({
    client: 'pg',
    ...ERRORS_WITHOUT_VALUES,
    ...knexLog(log),
    connection: {
      connectionString: databaseUrl,
      types: {
        getTypeParser: ((oid: number, format: string) => (oid === INT8_OID ? parseInt8 : defaultTypeParser(oid, format))) as never,
      },
    } as Knex.PgConnectionConfig,
    pool: { min: 0, max: Math.max(2, poolMax) },
  });
  await knex.raw('select 1');
  return {
    knex,
    kind: 'postgres',
    close: () => knex.destroy(),
  };
}

function defaultTypeParser(oid: number, format: string): unknown {
  // pg's own parsers, for everything but int8.
  // knex passes the format as a plain string; pg's overloads name 'text' and 'binary'.
  const pgTypes = pg.types as { getTypeParser(oid: number, format: string): unknown };
  return pgTypes.getTypeParser(oid, format);
}
