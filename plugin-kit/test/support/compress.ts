import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';

export type Codec = 'gzip' | 'xz' | 'zstd' | 'bzip2' | 'plain';

/** Compressed as the tools repositories are published with would compress it. */
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

/** An XML document of about `entries` × 120 bytes, varied enough not to compress to nothing. */
export function sampleXml(entries: number): Buffer {
  const lines = Array.from(
    { length: entries },
    (_, i) => `  <package name="pkg-${i}" version="1.${i % 17}.${i % 5}" checksum="${(i * 2654435761).toString(16)}"/>`,
  );
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<metadata packages="${entries}">\n${lines.join('\n')}\n</metadata>\n`);
}

/** The chunks a download would deliver, one at a time. */
export async function* chunked(data: Buffer, size = 1000): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield await Promise.resolve(data.subarray(at, at + size));
}
