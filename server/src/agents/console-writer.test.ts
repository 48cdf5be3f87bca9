import { ConsoleWriter, secretPrefixAtEnd, type ConsoleLimits } from './console-writer';

const LIMITS: ConsoleLimits = { flushMs: 20, flushBytes: 1024, maxBytes: 4096 };

function writerWith(secrets: string[], limits: ConsoleLimits = LIMITS): { writer: ConsoleWriter; sent: string[] } {
  const sent: string[] = [];
  const writer = new ConsoleWriter(async (text) => void sent.push(text), secrets, limits, (error) => {
    throw error;
  });
  return { writer, sent };
}

describe('ConsoleWriter', () => {
  it('gathers writes into one batch', async () => {
    const { writer, sent } = writerWith([]);

    writer.write('one ');
    writer.write('two ');
    writer.line('three');
    await writer.close();

    expect(sent).toEqual(['one two [baton] three\n']);
  });

  it('sends at once when a batch is full', async () => {
    const { writer, sent } = writerWith([], { ...LIMITS, flushBytes: 8 });

    writer.write('0123456789');
    await new Promise((resolve) => setImmediate(resolve));

    expect(sent).toEqual(['0123456789']);
    await writer.close();
  });

  it('masks a secret that arrives in two writes sent in two batches', async () => {
    const { writer, sent } = writerWith(['hunter2']);

    writer.write('password: hun');
    await new Promise((resolve) => setTimeout(resolve, 60));
    writer.write('ter2 done\n');
    await writer.close();

    expect(sent.join('')).toBe('password: *** done\n');
    expect(sent[0]).toBe('password: ');
  });

  it('cuts the log at its limit with a note, and keeps nothing after it', async () => {
    const { writer, sent } = writerWith([], { ...LIMITS, maxBytes: 10 });

    writer.write('12345678');
    writer.write('abcdef');
    writer.write('never kept');
    await writer.close();

    const text = sent.join('');
    expect(text.startsWith('12345678ab\n[baton] the console log reached its limit')).toBe(true);
    expect(text).not.toContain('never kept');
  });

  it('masks what is kept of a secret the limit cuts in two', async () => {
    const { writer, sent } = writerWith(['hunter2'], { ...LIMITS, maxBytes: 9 });

    writer.write('key: hunter2 and more');
    await writer.close();

    const text = sent.join('');
    expect(text.startsWith('key: ***\n[baton] the console log reached its limit')).toBe(true);
    expect(text).not.toMatch(/hun/);
  });

  it('masks the start of a secret the output ends with', async () => {
    const { writer, sent } = writerWith(['hunter2']);

    writer.write('password: hunt');
    await writer.close();

    expect(sent.join('')).toBe('password: ***');
  });

  it('replaces NUL characters, which the database cannot store', async () => {
    const { writer, sent } = writerWith([]);

    writer.write('a\u0000b');
    await writer.close();

    expect(sent).toEqual(['a\uFFFDb']);
  });
});

describe('secretPrefixAtEnd', () => {
  it.each([
    ['text ending in hun', ['hunter2'], 3],
    ['text ending in hunter2', ['hunter2'], 0],
    ['nothing here', ['hunter2'], 0],
    ['ab', ['abc', 'bcd'], 2],
    ['xb', ['abc', 'bcd'], 1],
  ])('%j with %j holds back %i characters', (text, secrets, expected) => {
    expect(secretPrefixAtEnd(text, secrets)).toBe(expected);
  });
});
