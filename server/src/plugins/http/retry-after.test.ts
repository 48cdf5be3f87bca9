import { parseRetryAfter } from './retry-after';

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');

  it.each([
    ['120', 120],
    [' 0 ', 0],
    ['Wed, 01 May 2024 12:02:00 GMT', 120],
    ['Wed, 01 May 2024 11:00:00 GMT', 0],
    ['soon', null],
    ['', null],
    [undefined, null],
  ])('reads %p as %p seconds', (value, seconds) => {
    const result = parseRetryAfter(value, now);

    expect(result).toBe(seconds);
  });
});
