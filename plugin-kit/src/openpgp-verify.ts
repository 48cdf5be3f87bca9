import { PermanentError } from '@baton/plugin-api';

// openpgp is large: loaded only by repositories that configure a key.
const openpgpModule = () => import('openpgp');

type OpenPgp = Awaited<ReturnType<typeof openpgpModule>>;
type OpenPgpKey = Awaited<ReturnType<OpenPgp['readKey']>>;

/** Set by {@link PublicKey}'s static block: only this module makes one or reaches inside it. */
let wrapKey: (key: OpenPgpKey) => PublicKey;
let openpgpKeyOf: (key: PublicKey) => OpenPgpKey;

/**
 * An OpenPGP public key read by {@link readPublicKey}: opaque, with the facts a plugin may show.
 *
 * @example
 * ```ts
 * const key: PublicKey = await readPublicKey(repository['GPG_KEY']);
 * ctx.log.info(`GPG_KEY is key ${key.keyId} (${key.fingerprint})`);
 * ```
 */
export class PublicKey {
  /** The long key ID of the primary key: 16 upper-case hex digits, as GnuPG shows it. */
  readonly keyId: string;
  /** The fingerprint of the primary key: upper-case hex digits (40 for a v4 key, 64 for v6). */
  readonly fingerprint: string;
  // Kept private so the kit's declarations do not name openpgp's types: those refer to a package
  // openpgp depends on only optionally, and a plugin compiling them would need `skipLibCheck`.
  readonly #key: OpenPgpKey;

  private constructor(key: OpenPgpKey) {
    this.#key = key;
    this.keyId = key.getKeyID().toHex().toUpperCase();
    this.fingerprint = key.getFingerprint().toUpperCase();
  }

  static {
    wrapKey = (key) => new PublicKey(key);
    openpgpKeyOf = (key) => key.#key;
  }
}

/**
 * How to name what is verified in messages: the document, the configuration key that holds the
 * public key, and where the signature came from.
 *
 * @example
 * ```ts
 * const names: SignatureNames = { document: 'repodata/repomd.xml', keySetting: 'GPG_KEY', signature: ascUrl };
 * ```
 */
export interface SignatureNames {
  document: string;
  keySetting: string;
  signature: string;
}

/**
 * Reads an ASCII-armoured OpenPGP public key; throws an `Error` that says what is wrong, worded
 * to follow the name of the setting that holds it.
 *
 * @example
 * ```ts
 * const key = await readPublicKey(repository['GPG_KEY']);
 * ```
 */
export async function readPublicKey(armoredKey: string): Promise<PublicKey> {
  if (!armoredKey.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) {
    throw new Error('must be an ASCII-armoured public key (-----BEGIN PGP PUBLIC KEY BLOCK-----)');
  }
  const openpgp = await openpgpModule();
  try {
    return wrapKey(await openpgp.readKey({ armoredKey: armoredKey.trim() }));
  } catch (error) {
    throw new Error(`cannot be read as an OpenPGP public key: ${(error as Error).message}`);
  }
}

async function keyFor(armoredKey: string, names: SignatureNames): Promise<PublicKey> {
  return readPublicKey(armoredKey).catch((error: Error) => {
    throw new PermanentError('bad_gpg_key', `${names.keySetting} ${error.message}`);
  });
}

/** Passes when one signature verifies; otherwise throws with every reason given. */
async function requireVerified(result: Awaited<ReturnType<OpenPgp['verify']>>, key: PublicKey, names: SignatureNames): Promise<void> {
  const outcomes = await Promise.allSettled(result.signatures.map((s) => s.verified));
  if (outcomes.some((o) => o.status === 'fulfilled' && o.value === true)) return;
  const reasons = outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : 'not verified'));
  throw new PermanentError(
    'bad_signature',
    `${names.document} does not verify against ${names.keySetting} (key ${key.keyId}) with ${names.signature}: ${reasons.join('; ') || 'no signature in it'}`,
  );
}

/**
 * Checks a document against its detached, ASCII-armoured signature (yum's `repomd.xml.asc`,
 * APT's `Release.gpg`). Throws a `PermanentError` (`bad_gpg_key`, `bad_signature`) when the key
 * or the signature cannot be read, or the signature does not verify.
 *
 * @example
 * ```ts
 * await verifyDetached(repomdBytes, ascBytes.toString('utf8'), repository['GPG_KEY'], { document: 'repodata/repomd.xml', keySetting: 'GPG_KEY', signature: ascUrl });
 * ```
 */
export async function verifyDetached(document: Uint8Array, armoredSignature: string, armoredKey: string, names: SignatureNames): Promise<void> {
  const key = await keyFor(armoredKey, names);
  const openpgp = await openpgpModule();
  const signature = await openpgp.readSignature({ armoredSignature }).catch((error: Error) => {
    throw new PermanentError('bad_signature', `${names.signature} is not an ASCII-armoured OpenPGP signature: ${error.message}`);
  });
  const message = await openpgp.createMessage({ binary: document });
  await requireVerified(await openpgp.verify({ message, signature, verificationKeys: openpgpKeyOf(key) }), key, names);
}

/**
 * Checks a clear-signed document (APT's `InRelease`) and returns the text that was signed; only
 * that text may be trusted, never what surrounds the signature block. Throws a `PermanentError`
 * (`bad_gpg_key`, `bad_signature`) as {@link verifyDetached} does.
 *
 * @example
 * ```ts
 * const release = await verifyClearSigned(inRelease, repository['GPG_KEY'], { document: 'InRelease', keySetting: 'GPG_KEY', signature: inReleaseUrl });
 * ```
 */
export async function verifyClearSigned(armoredDocument: string, armoredKey: string, names: SignatureNames): Promise<string> {
  const key = await keyFor(armoredKey, names);
  const openpgp = await openpgpModule();
  const message = await openpgp.readCleartextMessage({ cleartextMessage: armoredDocument }).catch((error: Error) => {
    throw new PermanentError('bad_signature', `${names.signature} is not a clear-signed OpenPGP message: ${error.message}`);
  });
  const result = await openpgp.verify({ message, verificationKeys: openpgpKeyOf(key) });
  await requireVerified(result, key, names);
  return result.data;
}
