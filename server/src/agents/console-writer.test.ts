import { ConsoleWriter, type ConsoleLimits } from './console-writer';

const LIMITS: ConsoleLimits = { flushMs: 20, flushBytes: 1024, maxBytes: 4096 };

function writerWith(secrets: string[], limits: ConsoleLimits = LIMITS): { writer: ConsoleWriter; sent: string[] } {
  const sent: string[] = [];
  const writer = new ConsoleWriter(
    async (text) => void sent.push(text),
    secrets,
    limits,
    (error) => {
      throw error;
    },
  );
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

  it('masks a secret that a line break splits between two batches', async () => {
    const { writer, sent } = writerWith(['hunter2']);

    writer.write('password: hunt\n');
    await new Promise((resolve) => setTimeout(resolve, 60));
    writer.write('er2 done\n');
    await writer.close();

    expect(sent.join('')).toBe('password: *** done\n');
  });

  it('masks a multi-line secret printed with other line breaks', async () => {
    const { writer, sent } = writerWith(['line one\nline two']);

    writer.write('key:\r\nline one\r\nline two\r\n');
    await writer.close();

    expect(sent.join('')).toBe('key:\r\n***\r\n');
  });

  it('masks a secret written URL-encoded or JSON-escaped', async () => {
    const { writer, sent } = writerWith(['a b&c/d"e']);

    writer.write('GET /?t=a%20b&c/d%22e {"t":"a b&c/d\\"e"} t=a+b%26c%2Fd%22e\n');
    await writer.close();

    expect(sent.join('')).toBe('GET /?t=*** {"t":"***"} t=***\n');
  });

  it('sends a last line that ends like the start of a secret as it is', async () => {
    const { writer, sent } = writerWith(['hunter2']);

    writer.write('done by hu\n');
    await writer.close();

    expect(sent.join('')).toBe('done by hu\n');
  });

  it('replaces NUL characters, which the database cannot store', async () => {
    const { writer, sent } = writerWith([]);

    writer.write('a\u0000b');
    await writer.close();

    expect(sent).toEqual(['a\uFFFDb']);
  });
});
