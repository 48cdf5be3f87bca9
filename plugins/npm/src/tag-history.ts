import { createHash } from 'node:crypto';
import type { KeyValueStore } from '@baton/plugin-api';
import type { PackageQuery } from './config';

/** Enough to know a tag that moves back: older entries are dropped first. */
const MAX_VERSIONS = 500;

const keyOf = (query: PackageQuery): string => {
  const identity = [query.name, query.distTag, query.range, query.includePrerelease, query.includeDeprecated].join('\u0000');
  return `npm.tag-history.v1.${createHash('sha256').update(identity).digest('hex')}`;
};

/**
 * The versions a dist-tag-following package has been answered with, so that a tag moving back to
 * one of them is told apart from a tag moving to a version never recorded.
 *
 * @example
 * ```ts
 * const history = await TagHistory.load(ctx.store, query);
 * history.has('1.2.0');
 * await history.save(['1.3.0']);
 * ```
 */
export class TagHistory {
  private constructor(
    private readonly store: KeyValueStore,
    private readonly key: string,
    private readonly versions: string[],
  ) {}

  static async load(store: KeyValueStore, query: PackageQuery): Promise<TagHistory> {
    const key = keyOf(query);
    const text = await store.get(key);
    let versions: string[] = [];
    try {
      const value: unknown = text === null ? [] : JSON.parse(text);
      if (Array.isArray(value)) versions = value.filter((v): v is string => typeof v === 'string');
    } catch {
      versions = [];
    }
    return new TagHistory(store, key, versions);
  }

  has(version: string): boolean {
    return this.versions.includes(version);
  }

  /** Adds versions (most recent last) and stores the list when it changed. */
  async save(versions: string[]): Promise<void> {
    const added = versions.filter((version) => !this.has(version));
    if (added.length === 0) return;
    this.versions.push(...added);
    await this.store.set(this.key, JSON.stringify(this.versions.slice(-MAX_VERSIONS)));
  }
}
