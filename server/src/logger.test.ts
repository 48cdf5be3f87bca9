import { MAX_LOG_LINE_BYTES, createLogger } from './logger';

/** A logger whose lines the test reads. */
function capture(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, logger: createLogger('info', { write: (line: string) => void lines.push(line) }) };
}

describe('createLogger', () => {
  it.each([
    ['a huge message', (log: ReturnType<typeof createLogger>) => log.info('x'.repeat(2_000_000))],
    ['a huge field', (log: ReturnType<typeof createLogger>) => log.info({ body: 'y'.repeat(2_000_000) }, 'received')],
    ['a huge nested field', (log: ReturnType<typeof createLogger>) => log.info({ request: { rows: ['z'.repeat(500_000)] } }, 'stored')],
    [
      'an error whose message holds a whole query',
      (log: ReturnType<typeof createLogger>) => log.error({ err: new Error(`insert ${'v'.repeat(2_000_000)} - out of memory`) }, 'failed'),
    ],
    [
      'many middle-sized fields',
      (log: ReturnType<typeof createLogger>) => log.info(Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}`, 'w'.repeat(400)])), 'many'),
    ],
  ])('writes %s as one JSON line of at most MAX_LOG_LINE_BYTES that says it was cut', (_case, write) => {
    const { lines, logger } = capture();

    write(logger);
    const line = lines[0];
    const parsed = JSON.parse(line) as Record<string, unknown>;

    expect(lines).toHaveLength(1);
    expect(Buffer.byteLength(line)).toBeLessThanOrEqual(MAX_LOG_LINE_BYTES);
    expect(line).toMatch(/"log_line_cut_bytes":\d{5,}|\[cut: \d+ bytes\]/);
    expect(parsed['level']).toBeGreaterThanOrEqual(30);
  });

  it('keeps an ordinary line as it is', () => {
    const { lines, logger } = capture();

    logger.info({ repository: 'r-1' }, 'polled');

    expect(JSON.parse(lines[0])).toMatchObject({ msg: 'polled', repository: 'r-1', service: 'baton' });
    expect(lines[0]).not.toContain('log_line_cut_bytes');
  });

  it('cuts each field of a logged error, whose message may hold a failed statement', () => {
    const { lines, logger } = capture();

    logger.error({ err: Object.assign(new Error(`select ${'q'.repeat(3000)}`), { detail: 'd'.repeat(3000) }) }, 'failed');
    const err = (JSON.parse(lines[0]) as { err: { message: string; detail: string } }).err;

    expect(Buffer.byteLength(err.message)).toBeLessThanOrEqual(1024);
    expect(err.message).toMatch(/^select q+… \[cut: \d+ bytes\]$/);
    expect(err.detail).toMatch(/… \[cut: \d+ bytes\]$/);
  });
});
