export { compress, type Codec } from '../../src/testing/compress';

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
