/**
 * The worker that serves a scope (a repository id): the same one for as long as the plugin has
 * that many workers, so a repository's calls never race each other over its store entries.
 * FNV-1a: cheap, and stable across processes (unlike anything seeded).
 */
export function workerIndexForScope(scope: string, workers: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < scope.length; i += 1) {
    hash ^= scope.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % workers;
}
