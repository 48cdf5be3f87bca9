/**
 * Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date (a date in the past
 * means 0); `null` when the header is absent or unreadable.
 *
 * @example
 * ```ts
 * parseRetryAfter('120');                                  // 120
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', now);  // seconds from now until then
 * ```
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // An HTTP date always names its day and month; without letters Date.parse would read '-5' as a year.
  if (!/[a-z]/i.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
