import { randomBytes } from 'node:crypto';
import type { Database } from '../../db/database';
import { NotFound } from '../../domain-errors';
import type { SecretBox } from '../../security/secret-box';
import { timestampedSignatureMatches } from '../../security/timestamped-signature';
import { HintSignatureStore } from './hint-signature-store';
import { PollStateStore } from './poll-state-store';

/** Why a hint was not accepted: no valid signature (or too old), a replay, or too many. */
export class HintRefused extends Error {
  constructor(
    readonly reason: 'signature' | 'replay' | 'rate',
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
/** How far a hint's timestamp may be from now, either way (clocks differ a little). */
export const HINT_MAX_SKEW_SECONDS = 300;
const PRUNE_EVERY_MS = 60_000;

/**
 * Refresh hints: a repository (or whatever publishes into it) tells Baton "something changed"
 * with a request signed by the repository's hook secret over a timestamp and the body. A hint
 * only makes Baton poll sooner; its payload is never trusted for versions. Hints are
 * rate-limited per repository, and each signature is accepted once: it is kept in the database
 * until its timestamp is too old anyway, so a replay to another process is refused too.
 */
export class RefreshHints {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastPruned = 0;
  private readonly states: PollStateStore;
  private readonly signatures: HintSignatureStore;

  constructor(
    db: Database,
    private readonly box: SecretBox,
    private readonly limits: HintLimits,
  ) {
    this.states = new PollStateStore(db);
    this.signatures = new HintSignatureStore(db);
  }

  /** A fresh secret, encrypted for storage with the repository it belongs to. */
  newEncryptedSecret(repositoryId: string): string {
    return this.box.encrypt(randomBytes(32).toString('base64url'), { resourceType: 'repository', resourceId: repositoryId, key: SECRET_KEY });
  }

  /** The repository's hook secret (made on first use for repositories that predate hooks). */
  async secret(repositoryId: string): Promise<string> {
    const stored = await this.states.hookSecret(repositoryId);
    if (stored === undefined) throw new NotFound(`no repository with id ${repositoryId}`);
    if (stored) return this.decrypt(repositoryId, stored);
    return this.rotate(repositoryId);
  }

  async rotate(repositoryId: string): Promise<string> {
    const encrypted = this.newEncryptedSecret(repositoryId);
    if (!(await this.states.setHookSecret(repositoryId, encrypted))) throw new NotFound(`no repository with id ${repositoryId}`);
    return this.decrypt(repositoryId, encrypted);
  }

  /** Checks a hint's timestamp, signature, novelty and rate; throws `HintRefused` when it is not accepted. */
  async verify(repositoryId: string, body: Buffer, signature: string | undefined, timestamp: string | undefined): Promise<void> {
    const seconds = hintTimestamp(timestamp);
    const stored = await this.states.hookSecret(repositoryId);
    const secret = stored ? this.decrypt(repositoryId, stored) : null;
    if (secret === null || !timestampedSignatureMatches(secret, timestamp!, body, signature)) {
      throw new HintRefused(
        'signature',
        'X-Baton-Signature is missing or does not match: sign "<X-Baton-Timestamp>.<raw body>" with HMAC-SHA256 and the repository\'s hook secret',
      );
    }
    await this.remember(repositoryId, signature!.trim(), seconds);
    try {
      this.spend(repositoryId);
    } catch (error) {
      // A hint refused for its rate may be sent again as it is.
      await this.signatures.forget(repositoryId, signature!.trim());
      throw error;
    }
  }

  /** Records an accepted signature; one seen before is a replay. */
  private async remember(repositoryId: string, signature: string, timestampSeconds: number): Promise<void> {
    await this.prune();
    // Kept past the end of the window its timestamp is accepted in, with room for clocks that differ.
    const expiresAt = new Date((timestampSeconds + 2 * HINT_MAX_SKEW_SECONDS) * 1000);
    if (!(await this.signatures.remember(repositoryId, signature, expiresAt)))
      throw new HintRefused('replay', 'this hint was received before: send each hint with a fresh X-Baton-Timestamp and signature');
  }

  private async prune(): Promise<void> {
    if (Date.now() - this.lastPruned < PRUNE_EVERY_MS) return;
    this.lastPruned = Date.now();
    await this.signatures.deleteExpired();
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

/** The hint's timestamp in unix seconds, refused when missing, malformed, or more than five minutes from now. */
function hintTimestamp(header: string | undefined): number {
  const text = header?.trim() ?? '';
  if (!/^\d{1,12}$/.test(text)) {
    throw new HintRefused('signature', 'X-Baton-Timestamp is missing or not unix seconds: a hint carries its time, and its signature covers it');
  }
  const seconds = Number(text);
  if (Math.abs(Date.now() / 1000 - seconds) > HINT_MAX_SKEW_SECONDS) {
    throw new HintRefused('signature', `X-Baton-Timestamp is more than ${HINT_MAX_SKEW_SECONDS / 60} minutes from now: send each hint with the current time`);
  }
  return seconds;
}
