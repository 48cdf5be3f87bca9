import type * as OpenPgpModule from 'openpgp' with { 'resolution-mode': 'import' };
import { PermanentError } from '@baton/plugin-api';
import { PublicKey, readPublicKey, verifyClearSigned, verifyDetached } from '../src/openpgp-verify';

const NAMES = { document: 'InRelease', keySetting: 'GPG_KEY', signature: 'https://registry.example.org/dists/stable/InRelease' };
const DOCUMENT = Buffer.from('Origin: Example\nSuite: stable\n');

type OpenPgp = typeof OpenPgpModule;

interface Signer {
  publicKey: string;
  privateKey: Awaited<ReturnType<OpenPgp['readPrivateKey']>>;
}

// openpgp is an ES module; this test file is CommonJS.
let openpgp: OpenPgp;

async function signer(): Promise<Signer> {
  const { privateKey, publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Fixture' }], format: 'armored' });
  return { publicKey, privateKey: await openpgp.readPrivateKey({ armoredKey: privateKey }) };
}

async function detached(data: Uint8Array, by: Signer): Promise<string> {
  return openpgp.sign({ message: await openpgp.createMessage({ binary: data }), signingKeys: by.privateKey, detached: true, format: 'armored' });
}

async function clearSigned(text: string, by: Signer): Promise<string> {
  return openpgp.sign({ message: await openpgp.createCleartextMessage({ text }), signingKeys: by.privateKey, format: 'armored' });
}

async function failure(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => new Error('verified'),
    (error: unknown) => error,
  );
}

describe('OpenPGP verification', () => {
  let owner: Signer;
  let stranger: Signer;

  beforeAll(async () => {
    openpgp = await import('openpgp');
    [owner, stranger] = await Promise.all([signer(), signer()]);
  });

  it('verifies a detached signature made with the key', async () => {
    const signature = await detached(DOCUMENT, owner);

    await expect(verifyDetached(DOCUMENT, signature, owner.publicKey, NAMES)).resolves.toBeUndefined();
  });

  it('refuses a document changed after it was signed', async () => {
    const signature = await detached(DOCUMENT, owner);

    const error = await failure(verifyDetached(Buffer.from('Origin: Elsewhere\n'), signature, owner.publicKey, NAMES));

    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'bad_signature', message: expect.stringContaining('InRelease does not verify against GPG_KEY (key ') });
  });

  it('refuses a signature made with another key', async () => {
    const signature = await detached(DOCUMENT, stranger);

    const error = await failure(verifyDetached(DOCUMENT, signature, owner.publicKey, NAMES));

    expect(error).toMatchObject({ code: 'bad_signature' });
  });

  it('refuses a signature that is not one', async () => {
    const error = await failure(verifyDetached(DOCUMENT, 'not a signature', owner.publicKey, NAMES));

    expect(error).toMatchObject({ code: 'bad_signature', message: expect.stringContaining(`${NAMES.signature} is not an ASCII-armoured OpenPGP signature`) });
  });

  it('names the setting when the key cannot be read', async () => {
    const error = await failure(verifyDetached(DOCUMENT, await detached(DOCUMENT, owner), 'hello', NAMES));

    expect(error).toMatchObject({ code: 'bad_gpg_key', message: 'GPG_KEY must be an ASCII-armoured public key (-----BEGIN PGP PUBLIC KEY BLOCK-----)' });
  });

  it('returns the text of a clear-signed document that verifies', async () => {
    const document = await clearSigned(DOCUMENT.toString('utf8'), owner);

    const text = await verifyClearSigned(document, owner.publicKey, NAMES);

    expect(text).toBe(DOCUMENT.toString('utf8'));
  });

  it('refuses a clear-signed document whose text was changed', async () => {
    const document = (await clearSigned(DOCUMENT.toString('utf8'), owner)).replace('Suite: stable', 'Suite: unstable');

    const error = await failure(verifyClearSigned(document, owner.publicKey, NAMES));

    expect(error).toMatchObject({ code: 'bad_signature' });
  });

  it('refuses a clear-signed document signed by another key', async () => {
    const error = await failure(verifyClearSigned(await clearSigned('Suite: stable\n', stranger), owner.publicKey, NAMES));

    expect(error).toMatchObject({ code: 'bad_signature' });
  });

  it('reads a public key as an opaque key that tells its ID and fingerprint as GnuPG shows them', async () => {
    const key = await readPublicKey(owner.publicKey);

    expect(key).toBeInstanceOf(PublicKey);
    expect(key.keyId).toBe(owner.privateKey.getKeyID().toHex().toUpperCase());
    expect(key.fingerprint).toBe(owner.privateKey.getFingerprint().toUpperCase());
    expect(key.keyId).toMatch(/^[0-9A-F]{16}$/);
    expect(key.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(key.fingerprint.endsWith(key.keyId)).toBe(true);
    expect(Object.keys(key).sort()).toEqual(['fingerprint', 'keyId']);
  });

  it('names the key in a signature that does not verify', async () => {
    const key = await readPublicKey(owner.publicKey);
    const error = await failure(verifyDetached(DOCUMENT, await detached(Buffer.from('other'), owner), owner.publicKey, NAMES));

    expect((error as Error).message).toContain(`(key ${key.keyId})`);
  });

  it('says what is wrong with a public key that cannot be read', async () => {
    await expect(readPublicKey('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxx\n-----END PGP PUBLIC KEY BLOCK-----')).rejects.toThrow(
      /^cannot be read as an OpenPGP public key: /,
    );
  });
});
