/** A package's poll grid as the benchmark knows it: one slot, the interval, and its repository. */
export interface PackageGrid {
  repository: number;
  /** Any slot of the package's grid, in ms; the others are this plus whole intervals. */
  slotMs: number;
  intervalMs: number;
}

export interface LagMeasurement {
  /** Seconds from each due slot to the next request for its repository. */
  lags: number[];
  /** Slots in the window that no request followed before the log ended. */
  unserved: number;
}

/**
 * The scheduling lag of every package slot in [fromMs, untilMs]: the time from the slot to the
 * first request for the package's repository that reached the fake server at or after it. This
 * is what a repository sees, so it includes the claim and the plugin call's start; a request
 * whose claim was made just before the slot is taken as serving it, which can only make a lag
 * look shorter by that request's own start-up time (milliseconds).
 */
export function measureLag(grids: PackageGrid[], requests: [number, number][], fromMs: number, untilMs: number): LagMeasurement {
  const arrivals = new Map<number, number[]>();
  for (const [repository, at] of requests) {
    const list = arrivals.get(repository) ?? [];
    list.push(at);
    arrivals.set(repository, list);
  }
  for (const list of arrivals.values()) list.sort((a, b) => a - b);
  const lags: number[] = [];
  let unserved = 0;
  for (const grid of grids) {
    const list = arrivals.get(grid.repository) ?? [];
    const first = grid.slotMs + Math.ceil((fromMs - grid.slotMs) / grid.intervalMs) * grid.intervalMs;
    for (let slot = first; slot <= untilMs; slot += grid.intervalMs) {
      const served = list[firstAtOrAfter(list, slot)];
      if (served === undefined) unserved += 1;
      else lags.push((served - slot) / 1000);
    }
  }
  return { lags, unserved };
}

/** Index of the first value ≥ `at` in a sorted list (its length when there is none). */
function firstAtOrAfter(sorted: number[], at: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < at) low = middle + 1;
    else high = middle;
  }
  return low;
}
