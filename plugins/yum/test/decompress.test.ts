import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decompress } from '@baton/plugin-kit';
import { fixturePrimaryXml, repodataFile } from './support/repositories';

const OPTIONS = { file: 'repodata/primary.xml', maxBytes: 1 << 26, setting: 'BATON_PLUGIN_YUM_MAX_METADATA_BYTES' };

async function* chunked(data: Buffer, size = 1000): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of decompress(source, OPTIONS)) parts.push(part);
  return Buffer.concat(parts);
}

/** The kit's decompression on the real files of the fixture repositories. */
describe('decompressing real repository metadata', () => {
  it('reads the real zstd primary of moosync', async () => {
    const stored = readFileSync(repodataFile('moosync', 'primary.xml'));

    const output = await collect(chunked(stored));

    expect(output.equals(fixturePrimaryXml('moosync'))).toBe(true);
  });

  it("reads a real bzip2 file: scrt-yum's primary.sqlite.bz2 matches its open-checksum", async () => {
    const stored = readFileSync(repodataFile('scrt-yum', 'primary.sqlite'));

    const output = await collect(chunked(stored));

    expect(createHash('sha256').update(output).digest('hex')).toBe('f7cc60a847f2a266579f5079be56340d78e134c9f6c9b282bee987795210dcf4');
  });
});
