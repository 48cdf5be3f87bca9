import { PermanentError, type PackageRevision } from '@baton/plugin-api';
import { MalformedXmlError } from '@baton/plugin-kit';
import type { ArtifactReader } from './artifact-reader';
import type { ArtifactSelection } from './config';
import type { StoredChoice, StoredRevision } from './metadata-store';
import { SIDECARS, parseChecksum } from './parse-checksum';
import { parsePom, type PomFacts } from './parse-pom';
import { compareVersionTexts, isSnapshot } from './version';

const MAX_SIDECAR_BYTES = 4096;
const SNAPSHOT_BUILD = /^(.*)-(\d{8}\.\d{6})-(\d+)$/;

/** The strongest checksum sidecar of the artifact, as `<algorithm>:<hex>`, or null when it has none. */
async function strongestChecksum(reader: ArtifactReader, artifactUrl: string): Promise<string | null> {
  for (const { algorithm } of SIDECARS) {
    const url = `${artifactUrl}.${algorithm}`;
    const bytes = await reader.optional(url, MAX_SIDECAR_BYTES, `the checksum sidecar .${algorithm}`);
    if (bytes === null) continue;
    const hex = parseChecksum(bytes.toString('utf8'), algorithm);
    if (hex === null) throw new PermanentError('bad_checksum', `${url} does not hold a ${algorithm} checksum (hex digits, as the sidecars Maven writes)`);
    return `${algorithm}:${hex}`;
  }
  return null;
}

/** The POM's facts; a POM that is missing or unreadable only leaves them out (logged). */
async function pomFacts(reader: ArtifactReader, pomUrl: string): Promise<PomFacts | null> {
  try {
    const bytes = await reader.optional(pomUrl, reader.maxBytes, 'the POM');
    return bytes === null ? null : parsePom(bytes, reader.maxBytes);
  } catch (error) {
    if (!(error instanceof MalformedXmlError) && !(error instanceof PermanentError)) throw error;
    reader.ctx.log.warn('the POM cannot be read; the revision goes without its developer and URL', { pom: pomUrl, reason: error.message });
    return null;
  }
}

/**
 * The revision reported for a chosen version: its label, time, the POM's developer and URL, and
 * the artifact's coordinates, locations and strongest checksum as data. Reads the POM and the
 * checksum sidecars, once per revision.
 *
 * @example
 * ```ts
 * (await toRevision(reader, choice, selection)).data.CHECKSUM; // 'sha1:3f78…'
 * ```
 */
export async function toRevision(reader: ArtifactReader, choice: StoredChoice, selection: ArtifactSelection): Promise<StoredRevision> {
  const [pom, checksum] = await Promise.all([pomFacts(reader, choice.pomUrl), strongestChecksum(reader, choice.artifactUrl)]);
  return {
    revision: choice.label,
    timestamp: choice.timestamp ?? new Date(0).toISOString(),
    ...(pom?.developer && { user: pom.developer }),
    ...(pom?.description && { comment: pom.description }),
    ...(pom?.url && { trackbackUrl: pom.url }),
    data: {
      VERSION: choice.label,
      BASE_VERSION: choice.version,
      GROUP_ID: selection.groupId,
      ARTIFACT_ID: selection.artifactId,
      PACKAGING: selection.extension,
      ...(selection.classifier && { CLASSIFIER: selection.classifier }),
      LOCATION: choice.artifactUrl,
      POM_LOCATION: choice.pomUrl,
      ...(checksum !== null && { CHECKSUM: checksum }),
    },
  };
}

/**
 * A stored revision as the host takes it.
 *
 * @example
 * ```ts
 * revisionOf(stored).timestamp instanceof Date; // true
 * ```
 */
export function revisionOf(stored: StoredRevision): PackageRevision {
  return { ...stored, timestamp: new Date(stored.timestamp) };
}

/** A label's version and, for a snapshot build, its timestamp and build number. */
function labelParts(label: string, base: string | undefined): { version: string; build: [string, number] | null } {
  const match = SNAPSHOT_BUILD.exec(label);
  if (match === null) return { version: base ?? label, build: null };
  return { version: base ?? `${match[1]}-SNAPSHOT`, build: [match[2], Number(match[3])] };
}

/**
 * Whether a choice is newer than the revision recorded before: a higher version by
 * ComparableVersion, or a later build of the same snapshot. A lower one (a version withdrawn) is not.
 *
 * @example
 * ```ts
 * isNewer({ version: '3.1', label: '3.1', … }, previous3dot0); // true
 * ```
 */
export function isNewer(choice: StoredChoice, previous: PackageRevision): boolean {
  const before = labelParts(previous.revision, previous.data?.['BASE_VERSION']);
  const now = labelParts(choice.label, choice.version);
  const order = compareVersionTexts(now.version, before.version);
  if (order !== 0) return order > 0;
  if (!isSnapshot(now.version) || now.build === null) return false;
  if (before.build === null) return true;
  const [time, number] = now.build;
  return time > before.build[0] || (time === before.build[0] && number > before.build[1]);
}
