import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allowedVersions } from '@baton/plugin-maven/dist/artifact-choice';
import { selectionOf } from '@baton/plugin-maven/dist/config';
import { versionMix } from './version-mix';

export const GROUP = 'org.example.bench';
/** The versions of each of the many small artifacts, in deploy order; the highest is the last. */
const SMALL_VERSIONS = ['1.0', '1.1', '1.2', '2.0-rc1', '2.0'];

/** An artifact of the generated repository and the version the plugin should report for it. */
export interface GeneratedArtifact {
  artifactId: string;
  expected: string;
}

/** A repository laid out as `mvn deploy` leaves it, in a fresh folder under the OS temp folder. */
export interface GeneratedRepository {
  dir: string;
  /** One artifact with many versions, of which only the highest has its files. */
  wide: GeneratedArtifact & { versions: number };
  /** Many artifacts with a few versions each. */
  many: GeneratedArtifact[];
}

/** The version the plugin reports for a package with default settings: the highest release or pre-release. */
export function expectedVersion(artifactId: string, versions: string[]): string {
  const chosen = allowedVersions({ versions, lastUpdated: null }, selectionOf({ GROUP_ID: GROUP, ARTIFACT_ID: artifactId })).next().value;
  if (chosen === undefined) throw new Error(`no version of ${artifactId} counts`);
  return chosen;
}

export function generateRepository(wideVersions: number, manyArtifacts: number): GeneratedRepository {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-maven-'));
  const versions = versionMix(wideVersions, 7);
  const wide = { artifactId: 'wide-artifact', expected: expectedVersion('wide-artifact', versions), versions: wideVersions };
  writeArtifact(dir, wide.artifactId, versions, wide.expected);
  const many: GeneratedArtifact[] = [];
  for (let i = 0; i < manyArtifacts; i += 1) {
    const artifactId = `artifact-${String(i).padStart(4, '0')}`;
    writeArtifact(dir, artifactId, SMALL_VERSIONS, '2.0');
    many.push({ artifactId, expected: '2.0' });
  }
  return { dir, wide, many };
}

/** The artifact's maven-metadata.xml, and the jar, POM and .sha1 sidecars of `deployed`. */
function writeArtifact(dir: string, artifactId: string, versions: string[], deployed: string): void {
  const folder = path.join(dir, ...GROUP.split('.'), artifactId);
  fs.mkdirSync(path.join(folder, deployed), { recursive: true });
  const listed = versions.map((version) => `      <version>${version}</version>`).join('\n');
  const metadata = `<?xml version="1.0" encoding="UTF-8"?>
<metadata>
  <groupId>${GROUP}</groupId>
  <artifactId>${artifactId}</artifactId>
  <versioning>
    <versions>
${listed}
    </versions>
    <lastUpdated>20261201120000</lastUpdated>
  </versioning>
</metadata>
`;
  fs.writeFileSync(path.join(folder, 'maven-metadata.xml'), metadata);
  const pom = `<project><modelVersion>4.0.0</modelVersion><groupId>${GROUP}</groupId><artifactId>${artifactId}</artifactId><version>${deployed}</version></project>\n`;
  for (const [name, content] of [
    [`${artifactId}-${deployed}.jar`, `PK ${artifactId} ${deployed}\n`],
    [`${artifactId}-${deployed}.pom`, pom],
  ]) {
    const file = path.join(folder, deployed, name);
    fs.writeFileSync(file, content);
    fs.writeFileSync(`${file}.sha1`, createHash('sha1').update(content).digest('hex'));
  }
}
