/**
 * Seconds to wait as a `Retry-After` header says: a number of seconds or an HTTP date (a date in
 * the past means now). Absent or unreadable → null, and the host uses its own backoff.
 *
 * @example parseRetryAfter('120') // 120
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | null {
  const trimmed = value?.trim();
  if (!trimmed) return null;
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}
