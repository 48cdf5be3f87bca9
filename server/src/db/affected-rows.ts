/** How many rows a knex update or delete touched: a count on PostgreSQL, the driver's result on PGlite. */
export function affectedRows(result: unknown): number {
  if (typeof result === 'number') return result;
  const counted = result as { rowCount?: unknown; affectedRows?: unknown } | null;
  return Number(counted?.rowCount ?? counted?.affectedRows ?? 0);
}
