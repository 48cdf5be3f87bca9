import { MalformedXmlError, parseSafeXml, xmlAll, xmlFirst, xmlText, type XmlNode } from '@baton/plugin-kit';

/** What an artifact's maven-metadata.xml says: its versions in the file's (deploy) order. */
export interface ArtifactMetadata {
  versions: string[];
  /** `yyyyMMddHHmmss` (UTC), or null when the file has none. */
  lastUpdated: string | null;
}

/** One file of a snapshot build, as `<snapshotVersion>` lists it. */
export interface SnapshotFile {
  classifier: string;
  extension: string;
  /** The timestamped version, `1.0-20210822.092232-1`. */
  value: string;
  /** `yyyyMMddHHmmss` (UTC), or null. */
  updated: string | null;
}

/** What a snapshot's own maven-metadata.xml says about its latest build. */
export interface SnapshotMetadata {
  /** `yyyyMMdd.HHmmss`, or null when the file has no `<snapshot>`. */
  timestamp: string | null;
  buildNumber: number | null;
  lastUpdated: string | null;
  files: SnapshotFile[];
}

/** The deepest maven-metadata.xml goes is four levels; leave room for extensions. */
const MAX_DEPTH = 16;

const child = (node: XmlNode | undefined, name: string): XmlNode | undefined => (typeof node === 'object' ? xmlFirst(node[name]) : undefined);
const children = (node: XmlNode | undefined, name: string): XmlNode[] => (typeof node === 'object' ? xmlAll(node[name]) : []);

/** The root element, which must be `expected`; throws MalformedXmlError naming what it is instead. */
export function rootElement(bytes: Uint8Array, expected: string, maxBytes: number): XmlNode {
  const document = parseSafeXml(bytes, { maxBytes, maxDepth: MAX_DEPTH });
  const names = Object.keys(document).filter((name) => !name.startsWith('?'));
  if (names.length !== 1 || names[0] !== expected) {
    throw new MalformedXmlError(`the root element is ${names.length === 0 ? 'missing' : `<${names.join('>, <')}>`}, not <${expected}>`);
  }
  return xmlFirst(document[expected]) ?? '';
}

/**
 * Reads an artifact's maven-metadata.xml. Blank and repeated versions are dropped, the order
 * kept; `latest` and `release` are not read (they are not the newest version).
 *
 * @example
 * ```ts
 * parseArtifactMetadata(bytes, 8 << 20).versions; // ['1.5', '1.6', …, '2.0-SNAPSHOT', '3.0', '3.1']
 * ```
 */
export function parseArtifactMetadata(bytes: Uint8Array, maxBytes: number): ArtifactMetadata {
  const versioning = child(rootElement(bytes, 'metadata', maxBytes), 'versioning');
  const listed = children(child(versioning, 'versions'), 'version').map(xmlText);
  const versions = [...new Set(listed.filter((version) => version !== ''))];
  return { versions, lastUpdated: xmlText(child(versioning, 'lastUpdated')) || null };
}

function snapshotFile(node: XmlNode): SnapshotFile | null {
  const value = xmlText(child(node, 'value'));
  const extension = xmlText(child(node, 'extension'));
  if (value === '' || extension === '') return null;
  return { classifier: xmlText(child(node, 'classifier')), extension, value, updated: xmlText(child(node, 'updated')) || null };
}

/**
 * Reads a snapshot's own maven-metadata.xml (model 1.1.0 lists each file's timestamped version;
 * older files give only the timestamp and build number). Entries without a value are skipped.
 *
 * @example
 * ```ts
 * parseSnapshotMetadata(bytes, 8 << 20).files[0]; // { classifier: '', extension: 'jar', value: '3.1-20210822.092232-1', updated: '20210822092232' }
 * ```
 */
export function parseSnapshotMetadata(bytes: Uint8Array, maxBytes: number): SnapshotMetadata {
  const versioning = child(rootElement(bytes, 'metadata', maxBytes), 'versioning');
  const snapshot = child(versioning, 'snapshot');
  const build = Number(xmlText(child(snapshot, 'buildNumber')));
  const files = children(child(versioning, 'snapshotVersions'), 'snapshotVersion').map(snapshotFile);
  return {
    timestamp: xmlText(child(snapshot, 'timestamp')) || null,
    buildNumber: Number.isSafeInteger(build) && build > 0 ? build : null,
    lastUpdated: xmlText(child(versioning, 'lastUpdated')) || null,
    files: files.filter((file) => file !== null),
  };
}

/**
 * A Maven timestamp (`yyyyMMddHHmmss` or `yyyyMMdd.HHmmss`, always UTC) as a date, or null.
 *
 * @example
 * ```ts
 * mavenTimestamp('20220307100318')?.toISOString(); // '2022-03-07T10:03:18.000Z'
 * ```
 */
export function mavenTimestamp(value: string | null): Date | null {
  const match = /^(\d{4})(\d{2})(\d{2})\.?(\d{2})(\d{2})(\d{2})$/.exec(value ?? '');
  if (match === null) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return Number.isNaN(date.getTime()) || date.getUTCDate() !== day ? null : date;
}
