import { maskSecrets, SecretMask } from './secret-mask';

describe('maskSecrets', () => {
  const secret = 'a b&c/d"e';

  it.each([
    ['as is', `token ${secret}.`],
    ['encoded by encodeURIComponent', `?token=${encodeURIComponent(secret)}&x=1`],
    ['form-encoded', `token=${new URLSearchParams({ s: secret }).toString().slice(2)}`],
    ['in a URL’s query', new URL(`http://h.invalid/?token=${secret}`).href],
    ['in a URL’s path', new URL(`http://h.invalid/x/${secret}`).href],
    ['escaped in JSON', JSON.stringify({ token: secret })],
    ['in base64', Buffer.from(secret).toString('base64')],
    ['in a Basic authorization', `Basic ${Buffer.from(`user:${secret}`).toString('base64')}`],
    ['split across two lines', `token a b&c\n/d"e`],
  ])('hides a secret %s', (_case, text) => {
    const masked = maskSecrets(text, [secret]);

    expect(masked).toContain('***');
    expect(masked).not.toContain('c/d');
    expect(masked).not.toContain('b%26c');
    expect(masked).not.toContain(Buffer.from('&c/d"').toString('base64').slice(1, 6));
  });

  it('leaves the start of a secret at the end of complete text', () => {
    expect(maskSecrets('ends with hun', ['hunter2'])).toBe('ends with hun');
  });
});

describe('SecretMask.split', () => {
  it.each([
    ['text ending in hun', ['hunter2'], 'hun'],
    ['text ending in hunter2', ['hunter2'], ''],
    ['nothing here', ['hunter2'], ''],
    ['ab', ['abc', 'bcd'], 'ab'],
    ['xb', ['abc', 'bcd'], 'b'],
    ['a line ending in hun\n', ['hunter2'], 'hun\n'],
  ])('%j with %j holds back %j', (text, secrets, held) => {
    expect(new SecretMask(secrets).split(text, 'hold').held).toBe(held);
  });

  it('masks the start of a secret at the very end of the last text, but not one before a line break', () => {
    const mask = new SecretMask(['hunter2']);

    expect(mask.split('key: hunt', 'final').masked).toBe('key: ***');
    expect(mask.split('key: hunt\n', 'final').masked).toBe('key: hunt\n');
  });
});
