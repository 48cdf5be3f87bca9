import type { Logger } from 'pino';
import type { Actor, Role } from '../security/roles';

/** What the sessions need to know of tokens. */
export interface TokenRoles {
  /** The roles of these tokens as they are now; a deleted token is missing. */
  roles(tokenIds: readonly string[]): Promise<Map<string, Role>>;
  /** Word that a token was deleted in this process. */
  onDeleted(listener: (tokenId: string) => void): void;
}

/** What the streams need to know of sign-in sessions, for streams opened with a session cookie. */
export interface SignInLiveness {
  /** Which of these sessions have not ended. */
  live(sessionIds: readonly string[]): Promise<Set<string>>;
  /** Word that a session ended in this process. */
  onEnded(listener: (sessionId: string) => void): void;
}

/** One cheap query every few seconds bounds how long a token deleted by another process keeps its streams. */
export const STREAM_TOKEN_RECHECK_MS = 5000;

export interface StreamSessionOptions {
  /** A stream ends after this long at the latest; its client reconnects with Last-Event-ID. */
  maxAgeMs: number;
  /** How often the tokens of open streams are looked up again. */
  recheckMs: number;
}

interface Session {
  tokenId: string;
  role: Role;
  /** The sign-in session the stream was opened with, if it came with a cookie. */
  signInId: string | null;
  end: () => void;
  ageTimer: NodeJS.Timeout;
}

/**
 * Open event streams and the tokens that opened them. A stream authenticates once, when it opens,
 * and may stay open for hours: it ends when its token is deleted (at once in this process; within
 * `recheckMs` when another process sharing the database deleted it) or gets another role, and at
 * the latest after `maxAgeMs`, when its client reconnects with Last-Event-ID and loses nothing.
 * A stream opened with a sign-in session's cookie ends with that session too, in the same way.
 */
export class StreamSessions {
  private readonly sessions = new Set<Session>();
  private timer: NodeJS.Timeout | null = null;
  private checking = false;

  constructor(
    private readonly tokens: TokenRoles,
    private readonly signIns: SignInLiveness,
    private readonly options: StreamSessionOptions,
    private readonly logger: Logger,
  ) {
    tokens.onDeleted((tokenId) => this.endWhere((session) => session.tokenId === tokenId));
    signIns.onEnded((signInId) => this.endWhere((session) => session.signInId === signInId));
  }

  /** Tracks a stream; `end` closes it. Answers the function to call when it has closed otherwise. */
  open(actor: Actor, end: () => void): () => void {
    const session: Session = {
      tokenId: actor.tokenId,
      role: actor.role,
      signInId: actor.sessionId ?? null,
      end,
      ageTimer: setTimeout(() => this.endWhere((s) => s === session), this.options.maxAgeMs),
    };
    session.ageTimer.unref();
    this.sessions.add(session);
    this.timer ??= setInterval(() => void this.recheck(), this.options.recheckMs).unref();
    return () => this.forget(session);
  }

  private async recheck(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      // Only the streams open when the query started are judged by its answer.
      const checked = new Set(this.sessions);
      const roles = await this.tokens.roles([...new Set([...checked].map((s) => s.tokenId))]);
      const signIns = await this.signIns.live([...checked].flatMap((s) => (s.signInId === null ? [] : [s.signInId])));
      const ended = (s: Session) => roles.get(s.tokenId) !== s.role || (s.signInId !== null && !signIns.has(s.signInId));
      this.endWhere((session) => checked.has(session) && ended(session));
    } catch (error) {
      // The database may be out for a moment: the streams are looked at again at the next check.
      this.logger.warn({ err: error }, 'could not check the tokens of open event streams');
    } finally {
      this.checking = false;
    }
  }

  private endWhere(ended: (session: Session) => boolean): void {
    for (const session of [...this.sessions]) {
      if (!ended(session)) continue;
      this.forget(session);
      session.end();
    }
  }

  private forget(session: Session): void {
    clearTimeout(session.ageTimer);
    this.sessions.delete(session);
    if (this.sessions.size === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}
