import { parseChecksum } from './checksum';
import { TaskRefused } from './task-context';

describe('parseChecksum', () => {
  it.each([
    [`sha256:${'AB'.repeat(32)}`, { algorithm: 'sha256', hex: 'ab'.repeat(32) }],
    [`sha1:${'0'.repeat(40)}`, { algorithm: 'sha1', hex: '0'.repeat(40) }],
    [`sha:${'1'.repeat(40)}`, { algorithm: 'sha1', hex: '1'.repeat(40) }],
    [`SHA-512:${'f'.repeat(128)}`, { algorithm: 'sha512', hex: 'f'.repeat(128) }],
    [`md5:${'9'.repeat(32)}`, { algorithm: 'md5', hex: '9'.repeat(32) }],
  ])('reads %s', (text, expected) => {
    expect(parseChecksum(text)).toEqual(expected);
  });

  it.each([[null], [''], ['  ']])('answers null for %j', (text) => {
    expect(parseChecksum(text)).toBeNull();
  });

  it.each([['crc32:deadbeef'], ['sha256'], [`sha256:${'a'.repeat(63)}`], ['sha256:not-hex']])('refuses %s', (text) => {
    expect(() => parseChecksum(text)).toThrow(TaskRefused);
  });
});
