import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';

/** The compressions repository metadata is published with, or none. */
export type Codec = 'gzip' | 'xz' | 'zstd' | 'bzip2' | 'plain';

/**
 * `data` compressed as the tools repositories are published with would compress it: zlib's gzip,
 * and the system's `xz`, `zstd` and `bzip2` commands (which must be installed), for fixtures.
 *
 * @example
 * ```ts
 * writeFileSync('primary.xml.zst', compress(readFileSync('primary.xml'), 'zstd'));
 * ```
 */
export function compress(data: Buffer, codec: Codec): Buffer {
  const options = { input: data, maxBuffer: 1 << 28 };
  switch (codec) {
    case 'gzip':
      return gzipSync(data);
    case 'xz':
      return execFileSync('xz', ['-c', '-z'], options);
    case 'zstd':
      return execFileSync('zstd', ['-c', '-q'], options);
    case 'bzip2':
      return execFileSync('bzip2', ['-c', '-z'], options);
    case 'plain':
      return data;
  }
}
