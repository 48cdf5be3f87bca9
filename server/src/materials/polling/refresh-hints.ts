import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { affectedRows } from '../../db/affected-rows';
import type { Database } from '../../db/database';
import { TABLES } from '../../db/tables';
import { NotFound } from '../../domain-errors';
import type { SecretBox } from '../../security/secret-box';

/** Why a hint was not accepted. */
export class HintRefused extends Error {
  constructor(
    readonly reason: 'signature' | 'rate',
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

export interface HintLimits {
  /** Hints a repository may send in a burst, and how fast that allowance refills. */
  burst: number;
  perSecond: number;
}

const SECRET_KEY = 'HOOK_SECRET';

/**
 * Refresh hints: a repository (or whatever publishes into it) tells Baton "something changed"
 * with a request signed by the repository's hook secret. A hint only makes Baton poll sooner;
 * its payload is never trusted for versions. Hints are rate-limited per repository.
 */
export class RefreshHints {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
    private readonly limits: HintLimits,
  ) {}

  /** A fresh secret, encrypted for storage with the repository it belongs to. */
  newEncryptedSecret(repositoryId: string): string {
    return this.box.encrypt(randomBytes(32).toString('base64url'), { resourceType: 'repository', resourceId: repositoryId, key: SECRET_KEY });
  }

  /** The repository's hook secret (made on first use for repositories that predate hooks). */
  async secret(repositoryId: string): Promise<string> {
    const row = (await this.db.knex(TABLES.repositoryPollState).where({ repository_id: repositoryId }).first('hook_secret')) as
      | { hook_secret: string | null }
      | undefined;
    if (!row) throw new NotFound(`no repository with id ${repositoryId}`);
    if (row.hook_secret) return this.decrypt(repositoryId, row.hook_secret);
    return this.rotate(repositoryId);
  }

  async rotate(repositoryId: string): Promise<string> {
    const encrypted = this.newEncryptedSecret(repositoryId);
    const updated = affectedRows(await this.db.knex(TABLES.repositoryPollState).where({ repository_id: repositoryId }).update({ hook_secret: encrypted }));
    if (updated === 0) throw new NotFound(`no repository with id ${repositoryId}`);
    return this.decrypt(repositoryId, encrypted);
  }

  /** Checks a hint's signature and rate; throws `HintRefused` when it is not accepted. */
  async verify(repositoryId: string, body: Buffer, signature: string | undefined): Promise<void> {
    const row = (await this.db.knex(TABLES.repositoryPollState).where({ repository_id: repositoryId }).first('hook_secret')) as
      | { hook_secret: string | null }
      | undefined;
    const secret = row?.hook_secret ? this.decrypt(repositoryId, row.hook_secret) : null;
    if (secret === null || !signatureMatches(secret, body, signature)) {
      throw new HintRefused('signature', 'X-Baton-Signature is missing or does not match: sign the raw body with HMAC-SHA256 and the repository\'s hook secret');
    }
    this.spend(repositoryId);
  }

  private spend(repositoryId: string): void {
    const now = Date.now();
    const bucket = this.buckets.get(repositoryId) ?? { tokens: this.limits.burst, at: now };
    bucket.tokens = Math.min(this.limits.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limits.perSecond);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.buckets.set(repositoryId, bucket);
      const wait = Math.ceil((1 - bucket.tokens) / this.limits.perSecond);
      throw new HintRefused('rate', `too many hints for this repository; try again in ${wait} s`, wait);
    }
    bucket.tokens -= 1;
    this.buckets.set(repositoryId, bucket);
  }

  private decrypt(repositoryId: string, encrypted: string): string {
    return this.box.decrypt(encrypted, { resourceType: 'repository', resourceId: repositoryId, key: SECRET_KEY });
  }
}

/** `sha256=<lowercase hex HMAC-SHA256 of the raw body>`, compared in constant time. */
export function signatureMatches(secret: string, body: Buffer, header: string | undefined): boolean {
  const match = header ? /^sha256=([0-9a-f]{64})$/.exec(header.trim()) : null;
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(match[1]!, 'hex'));
}
