import { EventEmitter } from 'node:events';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '../db/database';
import type { Actor } from './roles';
import { SignInSessionStore } from './sign-in-session-store';
import { hashToken, type TokenService } from './token-service';

export interface SignInSessionOptions {
  /** A session ends this long after sign-in, however much it is used. */
  maxAgeSeconds: number;
}

/** A session as its holder sees it: who it acts as, and until when. */
export interface SignInSession {
  actor: Actor & { sessionId: string };
  expiresAt: Date;
}

/**
 * Sessions made by signing in with an API token, for browsers: the browser keeps only a random
 * secret (in a cookie), stored here as its hash, and never the token. A session acts as its token
 * with the role the token had at sign-in; it ends when the token is deleted or holds another role,
 * when it expires, and at sign-out. Rows live in the database, so every process serves every session.
 */
export class SignInSessions {
  private readonly changes = new EventEmitter();
  private readonly store: SignInSessionStore;

  constructor(
    db: Database,
    private readonly tokens: TokenService,
    private readonly options: SignInSessionOptions,
  ) {
    this.store = new SignInSessionStore(db);
  }

  /** A new session for this token, with the secret for its cookie; null when the token is not valid. */
  async signIn(token: string): Promise<(SignInSession & { secret: string }) | null> {
    const actor = await this.tokens.authenticate(token);
    if (!actor) return null;
    const now = Date.now();
    // Expired sessions that were never presented again are swept at each sign-in, so they cannot pile up.
    await this.store.deleteExpired(new Date(now));
    const secret = randomBytes(32).toString('base64url');
    const row = await this.store.insert({
      id: randomUUID(),
      secretHash: hashToken(secret),
      tokenId: actor.tokenId,
      role: actor.role,
      expiresAt: new Date(now + this.options.maxAgeSeconds * 1000),
    });
    return { secret, actor: { ...actor, sessionId: row.id }, expiresAt: row.expires_at };
  }

  /** The live session this secret opens, or null; a session found expired or outlived by its token's role is removed. */
  async current(secret: string): Promise<SignInSession | null> {
    const row = await this.store.bySecretHash(hashToken(secret));
    if (!row) return null;
    const actor = row.expires_at.getTime() > Date.now() ? await this.tokens.actorOf(row.token_id) : null;
    if (actor === null || actor.role !== row.role) {
      await this.store.delete(row.id);
      this.changes.emit('ended', row.id);
      return null;
    }
    return { actor: { ...actor, sessionId: row.id }, expiresAt: row.expires_at };
  }

  /** Ends the session this secret opens, if there is one. */
  async signOut(secret: string): Promise<void> {
    const id = await this.store.deleteBySecretHash(hashToken(secret));
    if (id !== null) this.changes.emit('ended', id);
  }

  /** Which of these sessions have not ended (a deleted token has taken its sessions with it). */
  async live(sessionIds: readonly string[]): Promise<Set<string>> {
    if (sessionIds.length === 0) return new Set();
    return new Set(await this.store.liveIds(sessionIds, new Date()));
  }

  /** Calls `listener` with a session's id once it has ended in this process. */
  onEnded(listener: (sessionId: string) => void): void {
    this.changes.on('ended', listener);
  }
}
