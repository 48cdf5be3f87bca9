import { randomBytes } from 'node:crypto';
import { SecretBox, UndecryptableSecret } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));
  const context = { resourceType: 'repository', resourceId: 'a1', key: 'PASSWORD' };

  it('round-trips a value and never shows it in the ciphertext', () => {
    const ciphertext = box.encrypt('s3cret-value', context);

    expect(ciphertext).not.toContain('s3cret-value');
    expect(box.decrypt(ciphertext, context)).toBe('s3cret-value');
  });

  it('encrypts the same value differently each time', () => {
    expect(box.encrypt('same', context)).not.toBe(box.encrypt('same', context));
  });

  it.each([
    ['another resource', { ...context, resourceId: 'a2' }],
    ['another key', { ...context, key: 'TOKEN' }],
    ['another resource type', { ...context, resourceType: 'package' }],
  ])('refuses a ciphertext moved to %s', (_case, other) => {
    const ciphertext = box.encrypt('s3cret-value', context);

    expect(() => box.decrypt(ciphertext, other)).toThrow(UndecryptableSecret);
  });

  it('refuses a ciphertext made with another key', () => {
    const ciphertext = new SecretBox(randomBytes(32)).encrypt('s3cret-value', context);

    expect(() => box.decrypt(ciphertext, context)).toThrow(UndecryptableSecret);
  });

  it.each(['', 'plain text', 'v1.', 'v1.AAAA', 'v2.whatever'])('refuses the malformed ciphertext %j', (ciphertext) => {
    expect(() => box.decrypt(ciphertext, context)).toThrow(UndecryptableSecret);
  });

  it('refuses a tampered ciphertext', () => {
    const ciphertext = box.encrypt('s3cret-value', context);
    const raw = Buffer.from(ciphertext.slice(3), 'base64url');
    raw[raw.length - 1] ^= 1;

    expect(() => box.decrypt(`v1.${raw.toString('base64url')}`, context)).toThrow(UndecryptableSecret);
  });
});
