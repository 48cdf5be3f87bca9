import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseChecksum, parseIntegrity, type Checksum, type Integrity } from './checksum';
import type { AssignedPackage, FetchPackageStep } from './job-assignment';
import { insideJobFolder } from './job-folder';
import { openPackageLocation } from './package-download';
import { openPackageFile, removePackageFile, type PackageFileWriter } from './package-file-writer';
import { failed, PASSED, type TaskContext, type TaskOutcome } from './task-context';

/** A download that receives nothing for this long is given up. */
const IDLE_TIMEOUT_MS = 60_000;

/**
 * Downloads the material's revision (its `LOCATION`) into `destination`, streaming to disk, and
 * verifies the revision's `CHECKSUM` and `INTEGRITY` when it has them: a file that does not match
 * is removed.
 */
export async function runFetchPackageTask(step: FetchPackageStep['fetch_package'], context: TaskContext): Promise<TaskOutcome> {
  const material = context.assignment.packages.find((p) => p.material === step.material);
  if (!material) return failed(noSuchPackage(step.material, context.assignment.packages));
  if (!material.location) return failed(`revision ${material.revision} of '${step.material}' has no LOCATION to fetch`);
  const checksum = parseChecksum(material.checksum);
  const integrity = parseIntegrity(material.integrity);
  const folder = insideJobFolder(context.folder, step.destination, 'destination');
  const target = path.join(folder, fileNameOf(material.location));
  context.console.line(`fetch_package ${step.material} ${material.revision}: ${material.location} into ${path.relative(context.folder, target)}`);
  const user = context.settings.jobUser;
  const idle = new IdleWatch(IDLE_TIMEOUT_MS);
  try {
    const signal = AbortSignal.any([context.signal, idle.signal]);
    const source = await openPackageLocation(material.location, {
      credentials: material.credentials,
      fileRoots: context.settings.fileRoots,
      localRepository: material.localRepository === true,
      userAgent: context.settings.userAgent,
      outbound: context.settings.outbound,
      signal,
    });
    const algorithms = [...new Set([checksum?.algorithm, integrity?.algorithm].flatMap((algorithm) => (algorithm ? [algorithm] : [])))];
    const { digests, bytes } = await save(source, await openPackageFile(target, user), algorithms, idle, signal);
    const mismatch = mismatchOf(material.location, checksum, integrity, digests);
    if (mismatch !== null) {
      await removePackageFile(target, user);
      return failed(mismatch);
    }
    const verified = [checksum && `${checksum.algorithm} checksum`, integrity && `${integrity.algorithm} integrity`].filter(Boolean).join(' and ');
    context.console.line(`fetched ${bytes} bytes${verified ? `, ${verified} verified` : ''}`);
    return PASSED;
  } catch (error) {
    await removePackageFile(target, user);
    if (context.signal.aborted) return failed(String(context.signal.reason));
    if (idle.signal.aborted) return failed(`the download of ${material.location} stalled: nothing arrived for ${IDLE_TIMEOUT_MS / 1000} s`);
    throw error;
  } finally {
    idle.stop();
  }
}

/** Names the packages the run does have, so that a name given wrong can be put right. */
function noSuchPackage(name: string, packages: readonly AssignedPackage[]): string {
  const names = packages.map((p) => p.material);
  const known = names.length > 0 ? `its packages: ${names.join(', ')}` : 'it has none';
  return `the run has no package named '${name}' (${known}; one that came with an upstream run is named <upstream pipeline>/<material>)`;
}

/** Why the download does not match what the revision says of it; null when it does. */
function mismatchOf(location: string, checksum: Checksum | null, integrity: Integrity | null, digests: ReadonlyMap<string, Buffer>): string | null {
  const checksumHex = checksum && digests.get(checksum.algorithm)?.toString('hex');
  if (checksum && checksumHex !== checksum.hex) {
    return `the download of ${location} does not match its CHECKSUM: expected ${checksum.algorithm}:${checksum.hex}, got ${checksum.algorithm}:${checksumHex}`;
  }
  const integrityBase64 = integrity && digests.get(integrity.algorithm)?.toString('base64');
  if (integrity && integrityBase64 !== integrity.base64) {
    return `the download of ${location} does not match its INTEGRITY: expected ${integrity.algorithm}-${integrity.base64}, got ${integrity.algorithm}-${integrityBase64}`;
  }
  return null;
}

async function save(
  source: Readable,
  file: PackageFileWriter,
  algorithms: readonly string[],
  idle: IdleWatch,
  signal: AbortSignal,
): Promise<{ digests: Map<string, Buffer>; bytes: number }> {
  const hashes = algorithms.map((algorithm) => [algorithm, createHash(algorithm)] as const);
  let bytes = 0;
  const writing = pipeline(
    source,
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        idle.touch();
        for (const [, hash] of hashes) hash.update(chunk);
        bytes += chunk.length;
        yield chunk;
      }
    },
    file.stream,
    { signal },
  );
  // When the writer fails (it cannot create the file), its reason says more than the broken pipe.
  await writing.catch(async (error: unknown) => {
    await file.done();
    throw error;
  });
  await file.done();
  return { digests: new Map(hashes.map(([algorithm, hash]) => [algorithm, hash.digest()])), bytes };
}

/** The file name the location ends with; `package` when it names none. */
function fileNameOf(location: string): string {
  let name = '';
  try {
    name = path.posix.basename(decodeURIComponent(new URL(location).pathname));
  } catch {
    name = '';
  }
  const safe = name.replaceAll('\u0000', '_').replace(/[/\\]/g, '_');
  return safe === '' || safe === '.' || safe === '..' ? 'package' : safe;
}

/** Aborts when no data has arrived for a while. */
class IdleWatch {
  private readonly controller = new AbortController();
  private last = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly idleMs: number) {
    this.timer = setInterval(
      () => {
        if (Date.now() - this.last > this.idleMs) this.controller.abort(new Error('idle'));
      },
      Math.min(1000, idleMs),
    );
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  touch(): void {
    this.last = Date.now();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
