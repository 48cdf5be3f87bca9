interface Group {
  /** When (this process's monotonic clock) the group's request was sent to the database; null until then. */
  issuedAt: number | null;
  /** The request as the database wrote it (its time). */
  marked: Promise<Date>;
  members: number;
  /** When the last member joined, on `performance.now()`'s clock. */
  lastJoinAt: number;
  done: Promise<void>;
  finish: () => void;
}

/** A follow-up is sent once no request has joined it for this long… */
const LULL_MS = 50;
/** …or once it has waited this long. */
const MAX_GATHER_MS = 1000;

/** A request's place in a group: the group's mark, and what to call when the request is answered. */
export interface SharedRequest {
  marked: Promise<Date>;
  /**
   * The request started its group: the group's request is written after it arrived, so no poll
   * that serves it can have ended before its mark is known.
   */
  first: boolean;
  /** `served`: the request saw the poll it waited for; the next group may then ask for its own. */
  leave(served: boolean): void;
}

/**
 * Poll requests in this process that share polls. A request needs a poll that starts after it
 * arrived; each one writing its own request while a poll ran made every poll end with another one
 * wanted, and fifty requests arriving together caused a chain of polls. So, per package or
 * repository, a request joins a group whose request was sent to the database after it arrived
 * (the database's time of it is later still), or one not yet sent; otherwise it starts a group
 * that sends its request once the group before has been served: one follow-up poll serves all
 * the requests that arrived meanwhile. A follow-up waits for a short lull in arrivals first
 * (requests sent together reach the server over a while when it is busy), but not for long.
 */
export class RequestSharing {
  private readonly groups = new Map<string, Group[]>();

  /** `arrivedAt`: when the request arrived, on `performance.now()`'s clock. */
  join(key: string, arrivedAt: number, mark: () => Promise<Date>): SharedRequest {
    const live = this.groups.get(key) ?? [];
    const joined = live.find((g) => g.issuedAt === null || g.issuedAt >= arrivedAt);
    const group = joined ?? this.follow(key, live.at(-1), mark);
    group.members += 1;
    group.lastJoinAt = performance.now();
    return {
      marked: group.marked,
      first: joined === undefined,
      leave: (served) => {
        group.members -= 1;
        if (served || group.members === 0) group.finish();
      },
    };
  }

  /** A new group, whose request is sent once the group before it (if any) is done. */
  private follow(key: string, before: Group | undefined, mark: () => Promise<Date>): Group {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const group: Group = { issuedAt: null, marked: Promise.resolve(new Date(0)), members: 0, lastJoinAt: performance.now(), done, finish };
    const ready = before ? before.done.then(() => gathered(group)) : Promise.resolve();
    group.marked = ready.then(() => {
      group.issuedAt = performance.now();
      return mark();
    });
    // A failed write (the package is gone) reaches each member; the group is over then.
    group.marked.catch(() => group.finish());
    void done.then(() => {
      const rest = (this.groups.get(key) ?? []).filter((g) => g !== group);
      if (rest.length > 0) this.groups.set(key, rest);
      else this.groups.delete(key);
    });
    this.groups.set(key, [...(this.groups.get(key) ?? []), group]);
    return group;
  }
}

/** Resolves after a lull in the group's arrivals, or after `MAX_GATHER_MS`. */
async function gathered(group: Group): Promise<void> {
  const started = performance.now();
  for (;;) {
    const now = performance.now();
    const quietFor = now - group.lastJoinAt;
    if (quietFor >= LULL_MS || now - started >= MAX_GATHER_MS) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(LULL_MS - quietFor, MAX_GATHER_MS - (now - started))));
  }
}
