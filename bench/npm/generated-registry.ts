import fs from 'node:fs';
import path from 'node:path';
import { generatedPackument } from './generated-packument';

/** The large package's name. */
export const LARGE_PACKAGE = 'bench-large';

/** Packuments written into a folder the repository servers serve, one file per package name. */
export interface GeneratedRegistry {
  dir: string;
  largeBytes: number;
  /** The version Baton should report for the large package (`*`). */
  largeLatest: string;
  largeVersions: number;
  prereleases: number;
  deprecated: number;
  batchNames: string[];
  /** The version Baton should report for each package of the batch. */
  batchLatest: Map<string, string>;
}

const BATCH_VERSIONS = 8;

/** Writes the large packument of `versions` versions and `batchPackages` small ones into `dir`. */
export function generatedRegistry(dir: string, versions: number, batchPackages: number): GeneratedRegistry {
  fs.mkdirSync(dir, { recursive: true });
  const large = generatedPackument(LARGE_PACKAGE, versions);
  fs.writeFileSync(path.join(dir, LARGE_PACKAGE), large.text);
  const batchNames: string[] = [];
  const batchLatest = new Map<string, string>();
  for (let i = 0; i < batchPackages; i += 1) {
    const name = `bench-batch-${String(i).padStart(4, '0')}`;
    const small = generatedPackument(name, BATCH_VERSIONS, 1000 + i);
    fs.writeFileSync(path.join(dir, name), small.text);
    batchNames.push(name);
    batchLatest.set(name, small.latest);
  }
  return {
    dir,
    largeBytes: Buffer.byteLength(large.text),
    largeLatest: large.latest,
    largeVersions: large.versions,
    prereleases: large.prereleases,
    deprecated: large.deprecated,
    batchNames,
    batchLatest,
  };
}
