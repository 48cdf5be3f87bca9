import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** What a secret belongs to; bound into the ciphertext so it cannot be moved elsewhere. */
export interface SecretContext {
  resourceType: string;
  resourceId: string;
  key: string;
}

/** The ciphertext is damaged, was made with another key, or belongs to another resource or key. */
export class UndecryptableSecret extends Error {}

const PREFIX = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM encryption of secure configuration values. The resource and the key are the
 * additional authenticated data: a ciphertext pasted into another repository, package or key
 * does not decrypt.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
  }

  encrypt(plaintext: string, context: SecretContext): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(additionalData(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  decrypt(ciphertext: string, context: SecretContext): string {
    if (!ciphertext.startsWith(PREFIX)) throw new UndecryptableSecret('not a Baton encrypted value');
    const raw = Buffer.from(ciphertext.slice(PREFIX.length), 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new UndecryptableSecret('encrypted value too short');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(additionalData(context));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new UndecryptableSecret(`the encrypted value does not belong to ${context.resourceType} ${context.resourceId}, key ${context.key}`);
    }
  }
}

function additionalData(context: SecretContext): Buffer {
  return Buffer.from(JSON.stringify(['baton-secret', context.resourceType, context.resourceId, context.key]), 'utf8');
}
