import type { VersionRecord } from './parse-packument';

/** The fields of a version record besides the version, in the order they are stored. */
const FIELDS = ['time', 'tarball', 'integrity', 'shasum', 'user', 'description', 'repository', 'homepage', 'deprecated'] as const;

/** Where a field's text held the record's own version. */
const VERSION_MARK = '\u0000';

/** A stored field: absent (0), as the previous version's (1), its text (the version marked), or, for a text that holds the mark itself, `[text]`. */
type StoredField = 0 | 1 | string | [string];

/** A stored version: the version, then one entry per field. */
export type StoredVersion = [string, ...StoredField[]];

const marked = (text: string, version: string): string => text.replaceAll(version, VERSION_MARK);
const unmarked = (text: string, version: string): string => text.replaceAll(VERSION_MARK, version);

/**
 * Version records as the store keeps them: one array per version, without field names, and each
 * field whose text (its version marked) is the previous version's written only as `1`. A tarball
 * URL, a publisher, a repository or a description repeated from version to version is then
 * written once: the stored value, which the host writes into its database on every new read,
 * is a fraction of the records' JSON.
 *
 * @example
 * ```ts
 * storedVersions([{ version: '1.0.0', tarball: 'https://registry.example.org/a/-/a-1.0.0.tgz' }, { version: '1.1.0', tarball: 'https://registry.example.org/a/-/a-1.1.0.tgz' }]);
 * // [['1.0.0', 0, 'https://registry.example.org/a/-/a-\u0000.tgz', 0, …], ['1.1.0', 0, 1, 0, …]]
 * ```
 */
export function storedVersions(records: readonly VersionRecord[]): StoredVersion[] {
  const previous: (string | undefined)[] = [];
  const stored: StoredVersion[] = [];
  for (const record of records) {
    const entry: StoredVersion = [record.version];
    for (let i = 0; i < FIELDS.length; i += 1) {
      const text = record[FIELDS[i]];
      const template = text === undefined || text.includes(VERSION_MARK) ? undefined : marked(text, record.version);
      if (template === undefined) entry.push(text === undefined ? 0 : [text]);
      else entry.push(template === previous[i] ? 1 : template);
      previous[i] = template;
    }
    stored.push(entry);
  }
  return stored;
}

/**
 * The version records `storedVersions` kept; null when `stored` is not such a list (a value
 * written by another version of the plugin, say), which the caller treats as nothing kept.
 *
 * @example
 * ```ts
 * versionRecords(storedVersions(records)); // records, field for field
 * ```
 */
export function versionRecords(stored: unknown): VersionRecord[] | null {
  if (!Array.isArray(stored)) return null;
  const records: VersionRecord[] = [];
  const previous: (string | undefined)[] = [];
  for (const entry of stored) {
    if (!Array.isArray(entry) || entry.length !== FIELDS.length + 1 || typeof entry[0] !== 'string') return null;
    const version = entry[0];
    const record: VersionRecord = { version };
    for (const [i, field] of FIELDS.entries()) {
      const value: unknown = entry[i + 1];
      let template: string | undefined;
      if (value === 1) {
        if (previous[i] === undefined) return null;
        template = previous[i];
      } else if (typeof value === 'string') template = value;
      else if (Array.isArray(value) && typeof value[0] === 'string') record[field] = value[0];
      else if (value !== 0) return null;
      previous[i] = template;
      if (template !== undefined) record[field] = unmarked(template, version);
    }
    records.push(record);
  }
  return records;
}
