/**
 * Whether a webhook subscribed to `patterns` wants an event of `type`. A pattern is an exact
 * type (`package.revision.detected`) or a prefix wildcard (`package.*`, which matches
 * `package.poll.failed` but not `package` itself); no patterns means every event.
 */
export function eventTypeMatches(patterns: readonly string[], type: string): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((pattern) => (pattern.endsWith('.*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type));
}
