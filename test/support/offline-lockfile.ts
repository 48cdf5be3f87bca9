import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './databases';

/** One entry of a package-lock.json's `packages`, keyed by its folder (`node_modules/a/node_modules/b`). */
interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [field: string]: unknown;
}

/** A package packed from the workspace, installed from its tarball. */
export interface PackedPackage {
  name: string;
  version: string;
  /** The tarball, relative to the project that installs it (`file:../x.tgz`). */
  resolved: string;
  integrity: string;
  /** Its package.json, whose dependencies the lock must hold as well. */
  manifest: { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
}

const workspaceEntries = (): Record<string, LockEntry> =>
  (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }).packages;

/** The folder node would find `name` in from `from`, by the workspace's lock: nearest node_modules first. */
function locate(entries: Record<string, LockEntry>, from: string, name: string): string | null {
  for (let folder = from; ; folder = folder.slice(0, Math.max(0, folder.lastIndexOf('/node_modules/')))) {
    const candidate = folder === '' ? `node_modules/${name}` : `${folder}/node_modules/${name}`;
    if (entries[candidate] !== undefined) return candidate;
    if (folder === '') return null;
  }
}

/**
 * A package-lock.json for a project outside the workspace that depends on packed workspace
 * packages and on registry packages the workspace uses too. Every registry package is pinned to
 * the version (and integrity) the workspace's lock holds, where the workspace placed it, so
 * `npm install --offline` takes them all from the cache `npm ci` filled: without a lock npm would
 * ask the registry which versions exist. Throws when the workspace's lock lacks a dependency.
 */
export function offlineLockfile(
  project: { name: string; version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> },
  packed: PackedPackage[],
): object {
  const entries = workspaceEntries();
  const packages: Record<string, LockEntry> = { '': { ...project } };
  for (const pkg of packed) {
    const { dependencies, peerDependencies } = pkg.manifest;
    packages[`node_modules/${pkg.name}`] = { version: pkg.version, resolved: pkg.resolved, integrity: pkg.integrity, dependencies, peerDependencies };
  }
  const isPacked = (name: string) => packed.some((pkg) => pkg.name === name);
  const wanted = [...Object.keys(project.devDependencies), ...packed.flatMap((pkg) => Object.keys(pkg.manifest.dependencies ?? {}))];
  const queue: { from: string; name: string; optional: boolean }[] = wanted
    .filter((name) => !isPacked(name))
    .map((name) => ({ from: '', name, optional: false }));
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const { from, name, optional } = next;
    const folder = locate(entries, from, name);
    if (folder === null && optional) continue;
    if (folder === null) throw new Error(`the workspace's package-lock.json holds no ${name} (needed from ${from || 'the project'})`);
    if (packages[folder] !== undefined) continue;
    // Flags (dev, optional, peer) are recomputed by npm for the new tree.
    const { dev: _dev, optional: _optional, devOptional: _devOptional, peer: _peer, ...entry } = entries[folder];
    packages[folder] = entry;
    for (const dependency of Object.keys(entry.dependencies ?? {})) if (!isPacked(dependency)) queue.push({ from: folder, name: dependency, optional: false });
    for (const dependency of Object.keys(entry.optionalDependencies ?? {})) queue.push({ from: folder, name: dependency, optional: true });
  }
  return { name: project.name, version: project.version, lockfileVersion: 3, requires: true, packages };
}
