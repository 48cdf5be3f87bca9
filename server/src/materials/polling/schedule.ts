import { createHash } from 'node:crypto';

/**
 * When packages are polled: pure functions of times and intervals, so the rules can be read and
 * tested in one place.
 *
 * Each package has a grid of poll slots, `anchor + k × interval`. A new package is polled at once;
 * after that its slots have a random-looking phase within the interval, so that packages created
 * together do not keep polling together. The phase comes from the repository (and the interval):
 * the packages of one repository with one interval share their slots, so one metadata download
 * answers them all, while different repositories are spread over the interval. Every next poll is
 * the first slot after now: no drift (slots are computed from the anchor, not from when a poll
 * finished), and after downtime no storm of catch-up polls.
 */

export const TRANSIENT_BACKOFF_START_MS = 30_000;
export const TRANSIENT_BACKOFF_MAX_MS = 30 * 60_000;

/**
 * The anchor of the grid of a repository's packages with this interval: a phase within the
 * interval drawn from a hash of the repository id, the same in every process.
 */
export function repositoryAnchor(repositoryId: string, intervalSeconds: number): number {
  const digest = createHash('sha256').update(`${repositoryId}/${intervalSeconds}`).digest();
  return digest.readUInt32BE(0) % (intervalSeconds * 1000);
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
