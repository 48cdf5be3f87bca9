import type { Knex } from 'knex';
import { InvalidInput } from '../domain-errors';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** A page request as the API takes it: `limit` 1–500 (default 50) and an opaque `cursor`. */
export interface PageRequest {
  limit: number;
  cursor: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Reads `limit` and `cursor` from a query string; a bad value is a validation error. */
export function pageRequest(query: { limit?: unknown; cursor?: unknown }): PageRequest {
  let limit = DEFAULT_PAGE_SIZE;
  if (query.limit !== undefined) {
    const text = typeof query.limit === 'string' || typeof query.limit === 'number' ? String(query.limit) : '';
    limit = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_PAGE_SIZE)) throw InvalidInput.field('limit', `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  if (query.cursor !== undefined && typeof query.cursor !== 'string') throw InvalidInput.field('cursor', 'cursor must be given once, as the last page gave it');
  const cursor = query.cursor === undefined || query.cursor === '' ? null : query.cursor;
  return { limit, cursor };
}

/** How a collection is ordered: an SQL expression, then the id as tie-breaker, both one way. */
export interface KeysetOrder {
  expression: string;
  idColumn: string;
  direction: 'asc' | 'desc';
  /** The value of `expression` for a row, to put into the next cursor. */
  valueOf(row: Record<string, unknown>): string | number;
  /** What the sort value and the id are, so that a forged cursor is refused, not sent to the database. */
  kinds: { value: 'string' | 'integer'; id: 'uuid' | 'integer' };
}

/** Collections in name order (case-insensitive), with UUID ids. */
export const BY_NAME: KeysetOrder = {
  expression: 'lower(name)',
  idColumn: 'id',
  direction: 'asc',
  valueOf: (row) => String(row['name']).toLowerCase(),
  kinds: { value: 'string', id: 'uuid' },
};

/** Collections newest first, by an increasing integer id. */
export const NEWEST_FIRST: KeysetOrder = {
  expression: 'id',
  idColumn: 'id',
  direction: 'desc',
  valueOf: (row) => Number(row['id']),
  kinds: { value: 'integer', id: 'integer' },
};

const CURSOR_CHECKS = {
  string: (v: unknown) => typeof v === 'string',
  integer: (v: unknown) => Number.isSafeInteger(v) || (typeof v === 'string' && /^\d{1,15}$/.test(v)),
  uuid: (v: unknown) => typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
};

/**
 * Keyset pagination: stable under inserts and deletes, and as fast on the last page as on the
 * first. The cursor is the sort key of the last row, encoded.
 */
export async function keysetPage<Row extends Record<string, unknown>>(query: Knex.QueryBuilder, order: KeysetOrder, page: PageRequest): Promise<Page<Row>> {
  const comparison = order.direction === 'asc' ? '>' : '<';
  if (page.cursor !== null) {
    const [value, id] = decodeCursor(page.cursor);
    if (!CURSOR_CHECKS[order.kinds.value](value) || !CURSOR_CHECKS[order.kinds.id](id)) throw invalidCursor();
    query.whereRaw(`(${order.expression}, ${order.idColumn}) ${comparison} (?, ?)`, [value, id]);
  }
  const rows = (await query.orderByRaw(`${order.expression} ${order.direction}, ${order.idColumn} ${order.direction}`).limit(page.limit + 1)) as Row[];
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > page.limit && last ? encodeCursor(order.valueOf(last), String(last['id'])) : null;
  return { items, nextCursor };
}

function encodeCursor(value: string | number, id: string): string {
  return Buffer.from(JSON.stringify([value, id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): [string | number, string] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && ['string', 'number'].includes(typeof parsed[0]) && typeof parsed[1] === 'string') {
      return [parsed[0] as string | number, parsed[1]];
    }
  } catch {
    // fall through to the validation error
  }
  throw invalidCursor();
}

function invalidCursor(): InvalidInput {
  return InvalidInput.field('cursor', 'cursor is not one this server handed out; start again without it');
}
