import { PermanentError, TransientError } from '@baton/plugin-api';
import { decompress, detectCompression, type Compression, type DecompressOptions } from '../src/decompress';
import { chunked, compress, sampleXml, type Codec } from './support/compress';

const OPTIONS = { file: 'repodata/primary.xml', maxBytes: 1 << 26, setting: 'BATON_PLUGIN_YUM_MAX_METADATA_BYTES' };

async function collect(source: AsyncIterable<Uint8Array>, options: DecompressOptions = OPTIONS): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of decompress(source, options)) parts.push(part);
  return Buffer.concat(parts);
}

async function failure(source: AsyncIterable<Uint8Array>, options: DecompressOptions = OPTIONS): Promise<unknown> {
  return collect(source, options).then(
    () => new Error('decompressed without complaint'),
    (error: unknown) => error,
  );
}

const CODECS: Codec[] = ['gzip', 'xz', 'zstd', 'bzip2', 'plain'];
const XML = sampleXml(400);

describe('detectCompression', () => {
  it.each([
    [[0x1f, 0x8b, 0x08, 0x00], 'gzip'],
    [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz'],
    [[0x28, 0xb5, 0x2f, 0xfd, 0x24], 'zstd'],
    [[0x42, 0x5a, 0x68, 0x39], 'bzip2'],
    [[...Buffer.from('<?xml ')], 'plain'],
    [[0xef, 0xbb, 0xbf, ...Buffer.from('<met')], 'plain'],
    [[...Buffer.from('\n  <metadata')], 'plain'],
    [[0x50, 0x4b, 0x03, 0x04], null],
    [[], null],
  ] as [number[], Compression | null][])('%j is %s', (head, expected) => {
    const found = detectCompression(Uint8Array.from(head));

    expect(found).toBe(expected);
  });
});

describe('decompress', () => {
  it.each(CODECS)('reads %s, chunk by chunk', async (codec) => {
    const stored = compress(XML, codec);

    const output = await collect(chunked(stored, 333));

    expect(output.equals(XML)).toBe(true);
  });

  it.each(CODECS.filter((codec) => codec !== 'plain'))('refuses truncated %s data', async (codec) => {
    const stored = compress(XML, codec);

    const error = await failure(chunked(stored.subarray(0, Math.floor(stored.length * 0.6))));

    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'corrupt_metadata', message: expect.stringContaining(`repodata/primary.xml: corrupt or truncated ${codec} data`) });
  });

  it.each(CODECS.filter((codec) => codec !== 'plain'))('refuses corrupt %s data', async (codec) => {
    const stored = Buffer.from(compress(XML, codec));
    stored.fill(0x55, 40, 90);

    const error = await failure(chunked(stored));

    expect(error).toMatchObject({ kind: 'permanent', code: 'corrupt_metadata' });
  });

  it.each(CODECS)('stops %s output at the size cap', async (codec) => {
    const stored = compress(XML, codec);

    const error = await failure(chunked(stored), { ...OPTIONS, maxBytes: 10_000 });

    expect(error).toMatchObject({
      code: 'metadata_too_large',
      message: 'repodata/primary.xml is larger than 10000 bytes once decompressed; raise BATON_PLUGIN_YUM_MAX_METADATA_BYTES to read it',
    });
  });

  it('stops a zstd bomb inside one chunk', async () => {
    const bomb = compress(Buffer.alloc(50 * 1024 * 1024, 0x41), 'zstd');

    const error = await failure(chunked(bomb, bomb.length), { ...OPTIONS, maxBytes: 1024 * 1024 });

    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(error).toMatchObject({ code: 'metadata_too_large' });
  });

  it('reads data without a known magic as plain when any plain data is allowed', async () => {
    const text = Buffer.from('Package: scrt\nVersion: 0.3.3\n');

    const output = await collect(chunked(text), { ...OPTIONS, file: 'Packages', plain: 'any' });

    expect(output.equals(text)).toBe(true);
  });

  it('refuses data in no known format', async () => {
    const error = await failure(chunked(Buffer.from('PK\u0003\u0004 a zip file')));

    expect(error).toMatchObject({ code: 'unknown_compression', message: 'repodata/primary.xml is neither gzip, xz, zstd, bzip2 nor plain XML' });
  });

  it.each(CODECS)("passes the source's own %s failure through unchanged", async (codec) => {
    const stored = compress(XML, codec);
    const broken = new TransientError('network', 'connection reset');
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield await Promise.resolve(stored.subarray(0, 100));
      throw broken;
    }

    const error = await failure(failing());

    expect(error).toBe(broken);
  });
});
