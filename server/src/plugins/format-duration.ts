/** A duration as people read it in messages: `750 ms`, `60 s`, `10 min`. */
export function formatDuration(ms: number): string {
  if (ms % 1000 !== 0) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds > 120 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
