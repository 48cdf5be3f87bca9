/**
 * A statement that matches a uuid column to keys, written twice: for one key (`= ?`) and for an
 * array of them (`= ANY(?)`). A prepared statement matching an array is planned afresh on every
 * run — the plan kept for any array counts on ten keys, and costs more than one planned for the
 * array given — which took longer than running it on the polling path, where one key (one poll's
 * lease, one package's page) is the common case. The one-key statement is planned once.
 */
export interface KeyedStatement {
  one: string;
  many: string;
}

/** `build` writes the statement around `match`, the condition on `column` with one `?` for the keys. */
export function keyedStatement(column: string, build: (match: string) => string): KeyedStatement {
  return { one: build(`${column} = ?::uuid`), many: build(`${column} = ANY(?::uuid[])`) };
}

/** The statement's text for these keys, and the parameter that carries them. */
export function forKeys(statement: KeyedStatement, keys: string[]): { sql: string; keys: string | string[] } {
  return keys.length === 1 ? { sql: statement.one, keys: keys[0] } : { sql: statement.many, keys };
}
