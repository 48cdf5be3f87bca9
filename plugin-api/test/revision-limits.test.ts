import { PermanentError, REVISION_LIMITS, cutText, fitRevision, utf8Bytes, type PackageRevision } from '../src';

const when = new Date('2023-06-02T09:30:00Z');
const base: PackageRevision = { revision: '1.3.0', timestamp: when };
/** `n` bytes of a three-byte character, so that a cut in the middle of one would show. */
const euros = (n: number): string => '€'.repeat(Math.ceil(n / 3));

describe('cutText', () => {
  it.each([
    ['ASCII', 'x'.repeat(100), 40],
    ['three-byte characters', '€'.repeat(100), 40],
    ['four-byte characters', '😀'.repeat(100), 41],
    ['a limit smaller than the marker', 'x'.repeat(100), 5],
  ])('cuts %s to at most the limit, on a character boundary, saying how many bytes went', (_case, text, limit) => {
    const cut = cutText(text, limit);
    const kept = cut.slice(0, cut.indexOf('… [cut: '));

    expect(utf8Bytes(cut)).toBeLessThanOrEqual(Math.max(limit, utf8Bytes(cut.slice(kept.length))));
    expect(text.startsWith(kept)).toBe(true);
    expect(kept).not.toContain('\uFFFD');
    expect(cut).toMatch(new RegExp(`… \\[cut: ${utf8Bytes(text) - utf8Bytes(kept)} bytes\\]$`));
  });

  it('leaves text that fits alone', () => {
    expect(cutText('€€', 6)).toBe('€€');
  });
});

describe('fitRevision', () => {
  it.each([
    ['user', REVISION_LIMITS.user],
    ['comment', REVISION_LIMITS.comment],
  ] as const)('cuts a %s over its limit with a visible marker', (field, limit) => {
    const long = euros(limit + 4000);

    const fitted = fitRevision({ ...base, [field]: long });

    expect(utf8Bytes(fitted[field] as string)).toBeLessThanOrEqual(limit);
    expect(fitted[field]).toMatch(/… \[cut: \d+ bytes\]$/);
    expect(long.startsWith((fitted[field] as string).replace(/… \[cut: \d+ bytes\]$/, ''))).toBe(true);
  });

  it.each([
    ['a label', { revision: 'v'.repeat(REVISION_LIMITS.label + 1) }, /^the label \(revision\) is 1025 bytes, more than the 1024 allowed$/],
    ['a label of multi-byte characters', { revision: '€'.repeat(400) }, /the label \(revision\) is 1200 bytes/],
    [
      'a trackback URL',
      { trackbackUrl: `https://repo.example.org/${'a'.repeat(9000)}` },
      /^trackbackUrl of revision '1\.3\.0' is 9025 bytes, more than the 8192 allowed$/,
    ],
    ['a LOCATION', { data: { LOCATION: `https://repo.example.org/${'a'.repeat(20_000)}` } }, /^data value LOCATION of revision '1\.3\.0' is 20025 bytes/],
    ['a CHECKSUM', { data: { CHECKSUM: `sha256:${'ab'.repeat(5000)}` } }, /data value CHECKSUM of revision '1\.3\.0' is 10007 bytes/],
    ['any other data value', { data: { SUMMARY: 'x'.repeat(8193) } }, /data value SUMMARY of revision '1\.3\.0' is 8193 bytes/],
    [
      'a revision too large as a whole',
      { data: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`K${i}`, 'x'.repeat(8000)])) },
      /^revision '1\.3\.0' is 72\d{3} bytes in all .*9 data entries\), more than the 65536 allowed$/,
    ],
  ])('refuses %s over its limit, naming it', (_case, fields, message) => {
    const attempt = () => fitRevision({ ...base, ...fields });

    expect(attempt).toThrow(PermanentError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'revision_too_large', message: expect.stringMatching(message) }));
  });

  it('keeps a revision whose every field is at its limit as it is', () => {
    const full: PackageRevision = {
      ...base,
      user: 'u'.repeat(REVISION_LIMITS.user),
      comment: 'c'.repeat(REVISION_LIMITS.comment),
      trackbackUrl: 't'.repeat(REVISION_LIMITS.trackbackUrl),
      data: { LOCATION: 'l'.repeat(REVISION_LIMITS.dataValue), CHECKSUM: 's'.repeat(REVISION_LIMITS.dataValue) },
    };

    expect(fitRevision(full)).toEqual(full);
  });
});
