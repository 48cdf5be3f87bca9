import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Database } from '../db/database';
import { type SecretBox, UndecryptableSecret } from './secret-box';
import { ServerMetaStore } from './server-meta-store';

const CHECK_KEY = 'secret_key_check';
const CHECK_CONTEXT = { resourceType: 'server', resourceId: 'meta', key: CHECK_KEY };
const CHECK_PLAINTEXT = 'baton secret key check';

/**
 * The key that encrypts secure values: `BATON_SECRET_KEY`, or (embedded database only) a key
 * generated once into the data directory with mode 0600.
 */
export function resolveSecretKey(configured: Buffer | null, db: Database, dataDir: string): Buffer {
  if (configured !== null) return configured;
  if (db.kind !== 'embedded') throw new Error('BATON_SECRET_KEY is required with DATABASE_URL');
  const file = path.join(dataDir, 'secret.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
  return key;
}

/**
 * Makes sure this process holds the key the database's secrets were encrypted with: the first
 * process stores a check value, every later one must decrypt it or refuse to start.
 */
export async function verifySecretKey(db: Database, box: SecretBox): Promise<void> {
  const meta = new ServerMetaStore(db);
  await meta.putIfAbsent(CHECK_KEY, box.encrypt(CHECK_PLAINTEXT, CHECK_CONTEXT));
  // The row is there: it was inserted just above unless it already was.
  const value = (await meta.get(CHECK_KEY))!;
  try {
    if (box.decrypt(value, CHECK_CONTEXT) === CHECK_PLAINTEXT) return;
  } catch (error) {
    if (!(error instanceof UndecryptableSecret)) throw error;
  }
  throw new Error(
    'the secret key does not match the one this database was set up with: secure values could not be decrypted. ' +
      "Start with the original BATON_SECRET_KEY (or the data directory's secret.key).",
  );
}
