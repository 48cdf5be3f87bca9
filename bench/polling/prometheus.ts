/** One scrape of `/metrics`: every sample line, keyed by its series (name and labels). */
export type Scrape = Map<string, number>;

export function parseScrape(text: string): Scrape {
  const samples: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

/** The sum of a metric over all its label values. */
export function total(scrape: Scrape, name: string): number {
  let sum = 0;
  for (const [series, value] of scrape) if (series === name || series.startsWith(`${name}{`)) sum += value;
  return sum;
}

/** Cumulative bucket counts of a histogram (upper bound → count), `+Inf` included. */
export interface Histogram {
  buckets: { le: number; count: number }[];
  count: number;
}

export function histogram(scrape: Scrape, name: string): Histogram {
  const buckets: Histogram['buckets'] = [];
  const bucketSeries = new RegExp(`^${name}_bucket\\{.*le="([^"]+)".*\\}$`);
  for (const [series, value] of scrape) {
    const match = bucketSeries.exec(series);
    if (match) buckets.push({ le: match[1] === '+Inf' ? Infinity : Number(match[1]), count: value });
  }
  buckets.sort((a, b) => a.le - b.le);
  return { buckets, count: total(scrape, `${name}_count`) };
}

/** What was observed between two scrapes of the same histogram. */
export function histogramDelta(before: Histogram, after: Histogram): Histogram {
  const earlier = new Map(before.buckets.map((b) => [b.le, b.count]));
  return {
    buckets: after.buckets.map((b) => ({ le: b.le, count: b.count - (earlier.get(b.le) ?? 0) })),
    count: after.count - before.count,
  };
}

/** Share of observations at or below a bucket bound (exact when `bound` is a bucket bound). */
export function shareAtOrBelow(h: Histogram, bound: number): number {
  const bucket = h.buckets.find((b) => b.le === bound);
  if (!bucket || h.count === 0) return Number.NaN;
  return bucket.count / h.count;
}

/** A quantile estimated the way Prometheus' histogram_quantile does: linear within a bucket. */
export function histogramQuantile(h: Histogram, q: number): number {
  if (h.count === 0) return Number.NaN;
  const rank = q * h.count;
  let lower = 0;
  let below = 0;
  for (const bucket of h.buckets) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return lower;
      return lower + ((bucket.le - lower) * (rank - below)) / Math.max(1, bucket.count - below);
    }
    lower = bucket.le;
    below = bucket.count;
  }
  return lower;
}

/** The q-quantile of measured values (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
