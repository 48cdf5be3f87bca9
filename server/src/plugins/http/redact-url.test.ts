import { redactText, redactUrl } from './redact-url';

describe('redactUrl', () => {
  it.each([
    ['https://reader:s3cret@repo.example.org/el9/', 'https://repo.example.org/el9/'],
    ['http://reader@repo.example.org:8080/x?y=1', 'http://repo.example.org:8080/x?y=1'],
    ['https://repo.example.org/plain', 'https://repo.example.org/plain'],
  ])('prints %s as %s', (url, printed) => {
    const result = redactUrl(url);

    expect(result).toBe(printed);
  });

  it('strips user info even from text that does not parse as a URL', () => {
    const result = redactUrl('http://reader:s3cret@exa mple/');

    expect(result).not.toContain('s3cret');
  });
});

describe('redactText', () => {
  it('removes user info from every URL inside a message', () => {
    const message = 'connect to https://a:b@repo.example.org/x failed, then http://c:d@mirror.example.org/ too';

    const result = redactText(message);

    expect(result).toBe('connect to https://repo.example.org/x failed, then http://mirror.example.org/ too');
  });
});
