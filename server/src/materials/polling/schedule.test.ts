import { randomUUID } from 'node:crypto';
import { nextSlot, repositoryAnchor, transientBackoffMs } from './schedule';

const minute = 60_000;

describe('poll schedule', () => {
  it('gives a repository a phase within the interval, the same every time', () => {
    const id = randomUUID();

    const anchor = repositoryAnchor(id, 60);

    expect(anchor).toBeGreaterThanOrEqual(0);
    expect(anchor).toBeLessThan(60_000);
    expect(repositoryAnchor(id, 60)).toBe(anchor);
  });

  it('spreads repositories over the interval, so packages created together do not keep polling together', () => {
    const phases = Array.from({ length: 2000 }, () => repositoryAnchor(randomUUID(), 60));
    const perTenSeconds = [0, 1, 2, 3, 4, 5].map((bucket) => phases.filter((p) => Math.floor(p / 10_000) === bucket).length);

    for (const count of perTenSeconds) expect(count).toBeGreaterThan(250);
    expect(new Set(phases).size).toBeGreaterThan(1900);
  });

  it('gives one repository another phase for another interval', () => {
    const id = randomUUID();
    const phases = new Set([30, 60, 90, 120, 300].map((interval) => repositoryAnchor(id, interval) % 30_000));

    expect(phases.size).toBeGreaterThan(1);
  });

  it.each([
    ['before the anchor', 10 * minute, 60, 9 * minute, 10 * minute],
    ['exactly at the anchor', 10 * minute, 60, 10 * minute, 11 * minute],
    ['within the first interval', 10 * minute, 60, 10 * minute + 1, 11 * minute],
    ['after a slow poll: still on the grid', 10 * minute, 60, 11 * minute + 59_000, 12 * minute],
    ['after three hours of downtime: the first slot after now, no catch-up', 10 * minute, 60, 190 * minute + 5_000, 191 * minute],
    ['with a 10 s interval', 0, 10, 25_000, 30_000],
  ])('finds the next slot %s', (_case, anchor, interval, now, expected) => {
    expect(nextSlot(anchor, interval, now)).toBe(expected);
  });

  it('never drifts: a thousand polls later the slots are still the grid', () => {
    let now = 0;
    const anchor = 7_000;
    for (let i = 0; i < 1000; i += 1) now = nextSlot(anchor, 60, now + 1234);

    expect((now - anchor) % minute).toBe(0);
  });

  it.each([
    [1, null, 30_000],
    [2, null, 60_000],
    [3, null, 120_000],
    [7, null, 30 * minute],
    [50, null, 30 * minute],
    [1, 120, 120_000],
    [3, 10, 120_000],
  ])('backs off after %d transient failures (Retry-After %p) by %d ms', (failures, retryAfter, expected) => {
    expect(transientBackoffMs(failures, retryAfter)).toBe(expected);
  });
});
