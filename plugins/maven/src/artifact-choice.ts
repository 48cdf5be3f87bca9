import type { ArtifactReader } from './artifact-reader';
import type { ArtifactSelection } from './config';
import type { StoredAnswer, StoredChoice, StoredDocument } from './metadata-store';
import { mavenTimestamp, type ArtifactMetadata, type SnapshotFile, type SnapshotMetadata } from './parse-metadata';
import { compareMavenVersions, isPrerelease, isSnapshot, parseMavenVersion, type MavenVersion } from './version';
import { containsVersion } from './version-range';

/** Listed versions without a usable file tried before giving up: each costs a request. */
const MAX_SKIPPED = 10;

/** Where one version's files are, before anything is checked. */
interface Candidate {
  version: string;
  label: string;
  folder: string;
  timestamp: Date | null;
  snapshotHash?: string;
}

/**
 * The versions a selection allows, highest first by ComparableVersion (the file's order is
 * deploy order, and its `latest`/`release` are not the newest), each ordered only when asked for.
 *
 * @example
 * ```ts
 * [...allowedVersions(metadata, selection)]; // ['3.1', '3.0', '1.9', …]
 * allowedVersions(metadata, selection).next().value; // '3.1'
 * ```
 */
export function* allowedVersions(metadata: ArtifactMetadata, selection: ArtifactSelection): Generator<string> {
  // One plain loop, and a snapshot left out before it is read: this runs once per listed version,
  // on the first poll of a worker still running uncompiled code.
  const parsed: MavenVersion[] = [];
  for (const text of metadata.versions) {
    if (!selection.snapshots && isSnapshot(text)) continue;
    const version = parseMavenVersion(text);
    if (!selection.prereleases && isPrerelease(version)) continue;
    if (selection.range === null || containsVersion(selection.range, version)) parsed.push(version);
  }
  // A poll mostly needs the highest version alone: one pass finds it in n comparisons; a heap of
  // the rest, built only when more are asked for, gives each next one after log n more.
  if (parsed.length === 0) return;
  let highest = 0;
  for (let i = 1; i < parsed.length; i += 1) if (compareMavenVersions(parsed[i], parsed[highest]) > 0) highest = i;
  yield parsed[highest].text;
  parsed[highest] = parsed[parsed.length - 1];
  parsed.pop();
  const heap = new VersionHeap(parsed);
  for (let next = heap.pop(); next !== undefined; next = heap.pop()) yield next.text;
}

/** A binary max-heap of versions by ComparableVersion, built in place in linear time. */
class VersionHeap {
  constructor(private readonly items: MavenVersion[]) {
    for (let i = (items.length >> 1) - 1; i >= 0; i -= 1) this.sink(i);
  }

  pop(): MavenVersion | undefined {
    const top = this.items[0];
    const last = this.items.pop();
    if (top !== undefined && last !== undefined && this.items.length > 0) {
      this.items[0] = last;
      this.sink(0);
    }
    return top;
  }

  private sink(from: number): void {
    const { items } = this;
    let at = from;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= items.length) return;
      const right = left + 1;
      const larger = right < items.length && compareMavenVersions(items[right], items[left]) > 0 ? right : left;
      if (compareMavenVersions(items[larger], items[at]) <= 0) return;
      const lower = items[at];
      items[at] = items[larger];
      items[larger] = lower;
      at = larger;
    }
  }
}

function fileName(selection: ArtifactSelection, label: string, extension: string): string {
  return `${selection.artifactId}-${label}${selection.classifier ? `-${selection.classifier}` : ''}.${extension}`;
}

/** The timestamped version of a snapshot build for one file, from model 1.1.0 entries or the older timestamp and build number. */
function snapshotBuild(metadata: SnapshotMetadata, version: string, classifier: string, extension: string): SnapshotFile | null {
  const listed = metadata.files.find((file) => file.classifier === classifier && file.extension === extension);
  if (listed !== undefined) return listed;
  if (metadata.files.length > 0 || metadata.timestamp === null || metadata.buildNumber === null) return null;
  return { classifier, extension, value: version.replace(/SNAPSHOT$/i, `${metadata.timestamp}-${metadata.buildNumber}`), updated: metadata.lastUpdated };
}

async function snapshotCandidate(reader: ArtifactReader, root: string, version: string, selection: ArtifactSelection): Promise<Candidate | string> {
  const document = await reader.snapshotMetadata(root, version);
  if (document === null) return `${version} is listed in maven-metadata.xml but has no maven-metadata.xml of its own; skipped`;
  const build = snapshotBuild(document.parsed, version, selection.classifier, selection.extension);
  if (build === null) {
    const wanted = `${selection.classifier ? `classifier '${selection.classifier}' and ` : ''}extension '${selection.extension}'`;
    return `${version} has no build with ${wanted} in its maven-metadata.xml; skipped`;
  }
  const timestamp = mavenTimestamp(build.updated) ?? mavenTimestamp(document.parsed.lastUpdated);
  return { version, label: build.value, folder: `${root}${encodeURIComponent(version)}/`, timestamp, snapshotHash: document.hash };
}

function toChoice(candidate: Candidate, selection: ArtifactSelection, lastModified: Date | null): StoredChoice {
  const timestamp = lastModified ?? candidate.timestamp;
  return {
    version: candidate.version,
    label: candidate.label,
    artifactUrl: `${candidate.folder}${encodeURIComponent(fileName(selection, candidate.label, selection.extension))}`,
    pomUrl: `${candidate.folder}${encodeURIComponent(`${selection.artifactId}-${candidate.label}.pom`)}`,
    timestamp: timestamp === null ? null : timestamp.toISOString(),
    ...(candidate.snapshotHash !== undefined && { snapshotHash: candidate.snapshotHash }),
  };
}

/**
 * The highest allowed version whose file is there: snapshots resolved to their latest build of
 * the wanted classifier and extension, and, with VERIFY_ARTIFACT, the file asked for. A version
 * without its file is skipped with a warning that names it, and the next lower one is tried.
 *
 * @example
 * ```ts
 * const { choice, warnings } = await chooseVersion(reader, document, selection);
 * choice?.label; // '3.1', or '3.1-20210822.092232-1' for a snapshot
 * ```
 */
export async function chooseVersion(reader: ArtifactReader, document: StoredDocument<ArtifactMetadata>, selection: ArtifactSelection): Promise<StoredAnswer> {
  const root = document.url.slice(0, -'maven-metadata.xml'.length);
  const metadataTime = mavenTimestamp(document.parsed.lastUpdated);
  const warnings: string[] = [];
  for (const version of allowedVersions(document.parsed, selection)) {
    if (warnings.length >= MAX_SKIPPED) {
      warnings.push(`gave up after ${MAX_SKIPPED} listed versions without the file wanted; lower versions were not tried`);
      break;
    }
    reader.ctx.signal.throwIfAborted();
    const candidate = isSnapshot(version)
      ? await snapshotCandidate(reader, root, version, selection)
      : { version, label: version, folder: `${root}${encodeURIComponent(version)}/`, timestamp: metadataTime };
    if (typeof candidate === 'string') {
      warnings.push(candidate);
      continue;
    }
    if (!selection.verify) return { choice: toChoice(candidate, selection, null), warnings };
    const url = toChoice(candidate, selection, null).artifactUrl;
    const found = await reader.exists(url);
    if (found.exists) return { choice: toChoice(candidate, selection, found.lastModified), warnings };
    warnings.push(`${version} is listed in maven-metadata.xml but its artifact ${url} is missing (${found.status}); skipped`);
  }
  return { choice: null, warnings };
}
