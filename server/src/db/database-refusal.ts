import { cutText } from '@baton/plugin-api';

/** knex writes a failed statement before the database's message: `<sql> - <message>`. */
const STATEMENT_SEPARATOR = ' - ';
const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * Why the database refused a statement, for people: its message and SQLSTATE, without the
 * statement, cut to a few lines.
 *
 * @example
 * ```ts
 * databaseRefusal(error); // 'unsupported Unicode escape sequence (SQLSTATE 22P05)'
 * ```
 */
export function databaseRefusal(error: unknown): string {
  const { message, code } = (typeof error === 'object' && error !== null ? error : {}) as { message?: unknown; code?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  const said = text.includes(STATEMENT_SEPARATOR) ? text.slice(text.lastIndexOf(STATEMENT_SEPARATOR) + STATEMENT_SEPARATOR.length) : text;
  const state = typeof code === 'string' && SQLSTATE.test(code) ? ` (SQLSTATE ${code})` : '';
  return `${cutText(said, 512)}${state}`;
}
