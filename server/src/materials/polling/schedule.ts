/**
 * When packages are polled: pure functions of times and intervals, so the rules can be read and
 * tested in one place.
 *
 * Each package has a grid of poll slots, `anchor + k × interval`. A new package is polled at once
 * and its anchor gets a random phase within the interval, so that packages created together do
 * not keep polling together. Every next poll is the first slot after now: no drift (slots are
 * computed from the anchor, not from when a poll finished), and after downtime no storm of
 * catch-up polls.
 */

export const TRANSIENT_BACKOFF_START_MS = 30_000;
export const TRANSIENT_BACKOFF_MAX_MS = 30 * 60_000;

/** The anchor of a package's grid: the first poll's time plus a random phase within the interval. */
export function initialAnchor(firstPollAt: number, intervalSeconds: number, random: () => number = Math.random): number {
  return firstPollAt + Math.floor(random() * intervalSeconds * 1000);
}

/** The first slot of the grid strictly after `now`. */
export function nextSlot(anchor: number, intervalSeconds: number, now: number): number {
  const interval = intervalSeconds * 1000;
  if (anchor > now) return anchor;
  const steps = Math.floor((now - anchor) / interval) + 1;
  return anchor + steps * interval;
}

/**
 * Delay before retrying after the n-th transient failure in a row: 30 s, doubling, at most 30
 * minutes — but never sooner than the repository asked (Retry-After).
 */
export function transientBackoffMs(consecutiveFailures: number, retryAfterSeconds: number | null): number {
  const exponent = Math.max(0, Math.min(consecutiveFailures - 1, 16));
  const backoff = Math.min(TRANSIENT_BACKOFF_START_MS * 2 ** exponent, TRANSIENT_BACKOFF_MAX_MS);
  return Math.max(backoff, (retryAfterSeconds ?? 0) * 1000);
}
