import { CollectingLogger, createTestContext, defaultSettings, MemoryKeyValueStore, parseRetryAfter } from '../src/testing';

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-03-01T12:00:00Z');

  it.each([
    ['120', 120],
    [' 0 ', 0],
    ['Fri, 01 Mar 2024 12:01:30 GMT', 90],
    ['Fri, 01 Mar 2024 11:00:00 GMT', 0],
    ['soon', null],
    ['-5', null],
    [null, null],
  ])('reads %p as %p', (header, seconds) => {
    expect(parseRetryAfter(header, now)).toBe(seconds);
  });
});

describe('MemoryKeyValueStore', () => {
  it('keeps, answers and forgets values', async () => {
    const store = new MemoryKeyValueStore();

    await store.set('list.etag', '"v1"');
    const kept = await store.get('list.etag');
    await store.delete('list.etag');

    expect([kept, await store.get('list.etag')]).toEqual(['"v1"', null]);
  });

  it.each([
    ['a key over 200 characters', 'k'.repeat(201), 'v'],
    ['an empty key', '', 'v'],
    ['a value that is not a string', 'key', 42 as unknown as string],
    ['a value over 8 MiB', 'key', 'v'.repeat(8 * 1024 * 1024 + 1)],
  ])('refuses %s with a TypeError', async (_case, key, value) => {
    await expect(new MemoryKeyValueStore().set(key, value)).rejects.toThrow(TypeError);
  });
});

describe('CollectingLogger', () => {
  it('writes one tagged line per entry, even with fields JSON cannot write (shown as Node inspects them)', () => {
    const lines: string[] = [];
    const cyclic: Record<string, unknown> = { file: 'primary.xml' };
    cyclic['self'] = cyclic;
    const log = new CollectingLogger(lines, 'latestRevision');

    log.info('parsed', { entries: 3 });
    log.error('odd', cyclic);

    expect(lines).toEqual(['info latestRevision: parsed {"entries":3}', "error latestRevision: odd <ref *1> { file: 'primary.xml', self: [Circular *1] }"]);
  });
});

describe('createTestContext and defaultSettings', () => {
  it('gives the declared defaults of well-formed settings and skips broken ones', () => {
    const plugin = {
      settings: {
        MAX_BYTES: { type: 'integer', default: 1024, description: 'cap' },
        STRICT: { type: 'boolean', default: false, description: 'strict' },
        BROKEN: null,
      },
    };

    expect(defaultSettings(plugin)).toEqual({ MAX_BYTES: 1024, STRICT: false });
    expect(defaultSettings(undefined)).toEqual({});
  });

  it('builds a context whose logger writes into logLines', () => {
    const ctx = createTestContext({ settings: { MAX_BYTES: 10 }, logTag: 'check' });

    ctx.log.warn('careful');

    expect(ctx.logLines).toEqual(['warn check: careful']);
    expect(ctx.settings).toEqual({ MAX_BYTES: 10 });
    expect(ctx.signal.aborted).toBe(false);
  });
});
