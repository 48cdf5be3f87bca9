import { PermanentError } from '@baton/plugin-api';

// openpgp is large: loaded only by repositories that configure GPG_KEY.
const openpgpModule = () => import('openpgp');

/** A public key as openpgp reads it. */
export type GpgKey = Awaited<ReturnType<Awaited<ReturnType<typeof openpgpModule>>['readKey']>>;

/**
 * Reads an ASCII-armoured OpenPGP public key; throws an `Error` that says what is wrong.
 *
 * @example
 * ```ts
 * const key = await readGpgKey(repository['GPG_KEY']);
 * ```
 */
export async function readGpgKey(armoredKey: string): Promise<GpgKey> {
  if (!armoredKey.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) {
    throw new Error('must be an ASCII-armoured public key (-----BEGIN PGP PUBLIC KEY BLOCK-----)');
  }
  const openpgp = await openpgpModule();
  try {
    return await openpgp.readKey({ armoredKey: armoredKey.trim() });
  } catch (error) {
    throw new Error(`cannot be read as an OpenPGP public key: ${(error as Error).message}`);
  }
}

/**
 * Checks repomd.xml against its detached signature repomd.xml.asc with the configured key.
 * Throws a `PermanentError` when the signature is missing, unreadable, or does not verify.
 *
 * @example
 * ```ts
 * await verifyRepomdSignature(repomdBytes, signatureBytes, repository['GPG_KEY'], signatureUrl);
 * ```
 */
export async function verifyRepomdSignature(repomd: Uint8Array, signature: Buffer | null, armoredKey: string, signatureUrl: string): Promise<void> {
  if (signature === null) {
    throw new PermanentError('signature_missing', `GPG_KEY is set, but there is no signature at ${signatureUrl} (404)`);
  }
  const key = await readGpgKey(armoredKey).catch((error: Error) => {
    throw new PermanentError('bad_gpg_key', `GPG_KEY ${error.message}`);
  });
  const openpgp = await openpgpModule();
  const parsed = await openpgp.readSignature({ armoredSignature: signature.toString('utf8') }).catch((error: Error) => {
    throw new PermanentError('bad_signature', `${signatureUrl} is not an ASCII-armoured OpenPGP signature: ${error.message}`);
  });
  const message = await openpgp.createMessage({ binary: repomd });
  const result = await openpgp.verify({ message, signature: parsed, verificationKeys: key });
  const outcomes = await Promise.allSettled(result.signatures.map((s) => s.verified));
  if (outcomes.some((o) => o.status === 'fulfilled' && o.value === true)) return;
  const reasons = outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : 'not verified'));
  const keyId = key.getKeyID().toHex().toUpperCase();
  throw new PermanentError(
    'bad_signature',
    `repodata/repomd.xml does not verify against GPG_KEY (key ${keyId}) with ${signatureUrl}: ${reasons.join('; ') || 'no signature in it'}`,
  );
}
