import { randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '../server/src/db/database';
import { TABLES } from '../server/src/db/tables';
import { EventStore } from '../server/src/events/event-store';
import { PollClaims } from '../server/src/materials/polling/poll-claims';
import type { ClaimedRepository } from '../server/src/materials/polling/poll-model';
import { PollRecorder } from '../server/src/materials/polling/poll-recorder';
import { PollWorkQueries } from '../server/src/materials/polling/poll-work-queries';
import { PollStateStore } from '../server/src/materials/polling/poll-state-store';
import { RepositoryPoller, type PollPlugins } from '../server/src/materials/polling/repository-poller';
import { ConfigurationCodec } from '../server/src/materials/configuration-codec';
import type { PluginInfo } from '../server/src/plugins/plugin-info';
import type { StoreSnapshot } from '../server/src/plugins/plugin-state-store';
import { SecretBox } from '../server/src/security/secret-box';
import { createLogger } from '../server/src/logger';
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from './support/databases';

const LEASE_SECONDS = 60;
const ROOMY = { max: 100, hostRoom: () => 100 };

describe.each(DATABASE_KINDS)('poll claims [%s]', (kind) => {
  let testDb: TestDatabase;
  let db: Database;
  let claims: PollClaims;
  let states: PollStateStore;

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    db = await testDb.open();
    claims = new PollClaims(db);
    states = new PollStateStore(db);
  });

  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  /** A repository with one package, polled an hour from now unless asked. */
  async function repository(url = 'http://repo.example.org/r/'): Promise<{ repositoryId: string; packageId: string }> {
    const repositoryId = randomUUID();
    const packageId = randomUUID();
    await db
      .knex(TABLES.repositories)
      .insert({ id: repositoryId, name: `r-${repositoryId}`, plugin_id: 'p', configuration: JSON.stringify([{ key: 'URL', value: url }]) });
    await states.createForRepository(db.knex, repositoryId);
    await db.knex(TABLES.packages).insert({ id: packageId, repository_id: repositoryId, name: 'pkg', fingerprint: randomUUID() });
    await states.createForPackage(db.knex, packageId);
    await db
      .knex(TABLES.packagePollState)
      .where({ package_id: packageId })
      .update({ next_poll_at: db.knex.raw("now() + interval '1 hour'") });
    return { repositoryId, packageId };
  }

  async function leaseOf(repositoryId: string): Promise<string | null> {
    const row = await db.knex(TABLES.repositoryPollState).where({ repository_id: repositoryId }).first<{ lease_owner: string | null }>('lease_owner');
    return row.lease_owner;
  }

  it('claims a requested repository by id, as requested, and leases it to the claimer alone', async () => {
    const asked = await repository();
    const notAsked = await repository();
    await states.requestRepositoryPoll(asked.repositoryId);

    const [claim, ...rest] = await claims.claimRequested('owner-a', LEASE_SECONDS, [asked.repositoryId, notAsked.repositoryId]);

    expect(rest).toEqual([]);
    expect(claim).toMatchObject({ repositoryId: asked.repositoryId, requested: true, host: 'repo.example.org', pluginId: 'p' });
    expect(claim.repositoryRequestedAt).not.toBeNull();
    expect(await leaseOf(asked.repositoryId)).toBe('owner-a');
    expect(await leaseOf(notAsked.repositoryId)).toBeNull();
    expect(await claims.claimRequested('owner-b', LEASE_SECONDS, [asked.repositoryId])).toEqual([]);
  });

  it("claims a repository by id for a package's request, with the repository's earliest slot", async () => {
    const { repositoryId, packageId } = await repository();
    const requested = await states.requestPackagePoll(packageId);

    const [claim] = await claims.claimRequested('owner-c', LEASE_SECONDS, [repositoryId]);

    expect(requested?.repositoryId).toBe(repositoryId);
    expect(claim).toMatchObject({ repositoryId, requested: true, repositoryRequestedAt: null });
    const slot = await db.knex(TABLES.packagePollState).where({ package_id: packageId }).first<{ next_poll_at: Date }>('next_poll_at');
    expect(claim.dueAt?.getTime()).toBe(slot.next_poll_at.getTime());
  });

  it('does not claim an archived repository by id, nor answer a request for an archived package', async () => {
    const { repositoryId, packageId } = await repository();
    await states.requestRepositoryPoll(repositoryId);
    await db.knex(TABLES.packages).where({ id: packageId }).update({ deleted_at: db.knex.fn.now() });
    await db.knex(TABLES.repositories).where({ id: repositoryId }).update({ deleted_at: db.knex.fn.now() });

    expect(await claims.claimRequested('owner-d', LEASE_SECONDS, [repositoryId])).toEqual([]);
    expect(await states.requestPackagePoll(packageId)).toBeNull();
  });

  it('writes a request and its claim at once when the lease is free; a release after the poll clears that request', async () => {
    const { repositoryId } = await repository();

    const answer = await claims.requestAndClaim(repositoryId, 'owner-m', LEASE_SECONDS);

    expect(answer?.claimed).toMatchObject({ repositoryId, requested: true, host: 'repo.example.org', pluginId: 'p' });
    expect(answer?.claimed?.repositoryRequestedAt?.getTime()).toBe(answer?.requestedAt.getTime());
    expect(answer!.requestedAt.getTime()).toBeLessThanOrEqual(answer!.claimed!.claimedAt.getTime());
    expect(await leaseOf(repositoryId)).toBe('owner-m');
    await claims.release('owner-m', answer!.claimed!);
    const after = await db.knex(TABLES.repositoryPollState).where({ repository_id: repositoryId }).first<{ poll_requested_at: Date | null }>();
    expect(after.poll_requested_at).toBeNull();
    expect(await leaseOf(repositoryId)).toBeNull();
  });

  it('writes the request but leaves a lease another process holds', async () => {
    const { repositoryId } = await repository();
    await claims.requestAndClaim(repositoryId, 'owner-n', LEASE_SECONDS);

    const second = await claims.requestAndClaim(repositoryId, 'owner-o', LEASE_SECONDS);

    expect(second?.claimed).toBeNull();
    expect(await leaseOf(repositoryId)).toBe('owner-n');
    const row = await db.knex(TABLES.repositoryPollState).where({ repository_id: repositoryId }).first<{ poll_requested_at: Date | null }>();
    expect(row.poll_requested_at?.getTime()).toBe(second?.requestedAt.getTime());
  });

  it('neither requests nor claims an archived repository, nor one that does not exist', async () => {
    const { repositoryId } = await repository();
    await db.knex(TABLES.repositories).where({ id: repositoryId }).update({ deleted_at: db.knex.fn.now() });

    expect(await claims.requestAndClaim(repositoryId, 'owner-p', LEASE_SECONDS)).toBeNull();
    expect(await claims.requestAndClaim(randomUUID(), 'owner-p', LEASE_SECONDS)).toBeNull();
    expect(await leaseOf(repositoryId)).toBeNull();
  });

  it('lets one of two owners asking at once take the lease; both requests are written', async () => {
    const { repositoryId } = await repository();

    const answers = await Promise.all(['owner-q', 'owner-r'].map((owner) => claims.requestAndClaim(repositoryId, owner, LEASE_SECONDS)));

    expect(answers.filter((a) => a?.claimed !== null)).toHaveLength(1);
    expect(answers.every((a) => a !== null)).toBe(true);
    expect(['owner-q', 'owner-r']).toContain(await leaseOf(repositoryId));
  });

  it('says when a claim left repositories with work behind for the caps', async () => {
    // Every repository with work, this test's and the earlier ones', taken at once: none left.
    await claims.claim('owner-sweep', LEASE_SECONDS, ROOMY);
    const first = await repository('http://one.example.org/');
    const second = await repository('http://one.example.org/');
    await states.requestRepositoryPoll(first.repositoryId);
    await states.requestRepositoryPoll(second.repositoryId);

    const capped = await claims.claim('owner-e', LEASE_SECONDS, { max: 100, hostRoom: (host) => (host === 'one.example.org' ? 1 : 100) });
    const rest = await claims.claim('owner-e', LEASE_SECONDS, ROOMY);

    expect(capped.claimed).toHaveLength(1);
    expect(capped.leftBehind).toBe(true);
    expect(rest.claimed).toHaveLength(1);
    expect(rest.leftBehind).toBe(false);
    expect(new Set([...capped.claimed, ...rest.claimed].map((c) => c.repositoryId))).toEqual(new Set([first.repositoryId, second.repositoryId]));
  });

  it('claims requested repositories first, then those polled before whose slot came, then those never polled', async () => {
    const due = (packageId: string, seconds: number, polled: boolean) =>
      db
        .knex(TABLES.packagePollState)
        .where({ package_id: packageId })
        .update({ next_poll_at: db.knex.raw(`now() - make_interval(secs => ?)`, [seconds]), last_polled_at: polled ? db.knex.raw('now()') : null });
    const never = await repository();
    await due(never.packageId, 30, false);
    const polledBefore = await repository();
    await due(polledBefore.packageId, 5, true);
    const asked = await repository();
    await states.requestPackagePoll(asked.packageId);
    const ids = [never.repositoryId, polledBefore.repositoryId, asked.repositoryId];

    const { claimed } = await claims.claim('owner-o', LEASE_SECONDS, ROOMY);

    expect(claimed.map((c) => c.repositoryId).filter((id) => ids.includes(id))).toEqual([asked.repositoryId, polledBefore.repositoryId, never.repositoryId]);
    await claims.releaseAll('owner-o');
    await db
      .knex(TABLES.packagePollState)
      .whereIn('package_id', [never.packageId, polledBefore.packageId])
      .update({ next_poll_at: db.knex.raw("now() + interval '1 hour'") });
  });

  it("reads the work of several claimed repositories in one go, as each one's own read finds it", async () => {
    async function addPackage(repositoryId: string, due: boolean): Promise<string> {
      const packageId = randomUUID();
      await db.knex(TABLES.packages).insert({ id: packageId, repository_id: repositoryId, name: `pkg-${packageId}`, fingerprint: randomUUID() });
      await states.createForPackage(db.knex, packageId);
      const slot = due ? "now() - interval '1 second'" : "now() + interval '1 hour'";
      await db
        .knex(TABLES.packagePollState)
        .where({ package_id: packageId })
        .update({ next_poll_at: db.knex.raw(slot) });
      return packageId;
    }
    const whole = await repository();
    const wholeDue = await addPackage(whole.repositoryId, true);
    await states.requestRepositoryPoll(whole.repositoryId);
    const due = await repository();
    const dueOne = await addPackage(due.repositoryId, true);
    const asked = await repository();
    await addPackage(asked.repositoryId, false);
    await states.requestPackagePoll(asked.packageId);
    const ids = [whole.repositoryId, due.repositoryId, asked.repositoryId];

    const claimed = (await claims.claim('owner-w', LEASE_SECONDS, ROOMY)).claimed.filter((c) => ids.includes(c.repositoryId));
    const work = new PollWorkQueries(db);
    const together = await work.packagesOfAll(claimed);

    expect(claimed).toHaveLength(3);
    const covered = (repositoryId: string) => together.get(claimed.find((c) => c.repositoryId === repositoryId)!)!.map((p) => p.packageId);
    expect(new Set(covered(whole.repositoryId))).toEqual(new Set([whole.packageId, wholeDue]));
    expect(covered(due.repositoryId)).toEqual([dueOne]);
    expect(covered(asked.repositoryId)).toEqual([asked.packageId]);
    for (const claim of claimed) expect(together.get(claim)).toEqual(await work.packagesOf(claim));
    await claims.releaseAll('owner-w');
  });

  it("carries the store read ahead to a poll's first plugin call only: a later call reads what the first wrote", async () => {
    const two = await repository();
    const secondPackage = randomUUID();
    await db.knex(TABLES.packages).insert({ id: secondPackage, repository_id: two.repositoryId, name: 'pkg-2', fingerprint: randomUUID() });
    await states.createForPackage(db.knex, secondPackage);
    const one = await repository();
    await states.requestRepositoryPoll(two.repositoryId);
    await states.requestRepositoryPoll(one.repositoryId);
    const carried: { scope: string | null; store: StoreSnapshot | undefined }[] = [];
    const answer = async (scope: string | null, store: StoreSnapshot | undefined) => {
      carried.push({ scope, store });
      return { revision: null, warnings: [] };
    };
    const plugins: PollPlugins = {
      plugin: () => ({ capabilities: { batch: false }, repositoryProperties: [], packageProperties: [] }) as unknown as PluginInfo,
      latestRevision: (_plugin, scope, _repo, _pkg, store) => answer(scope, store),
      latestRevisionSince: (_plugin, scope, _repo, _pkg, _previous, store) => answer(scope, store),
      latestRevisionsSince: () => Promise.reject(new Error('not a batch plugin')),
      stores: async (scopes) => new Map(scopes.map((scope) => [scope, { values: { read: 'ahead' }, deferred: [] }])),
    };
    const poller = new RepositoryPoller(
      new PollWorkQueries(db),
      plugins,
      new ConfigurationCodec(new SecretBox(randomBytes(32))),
      new PollRecorder(db, new EventStore(db)),
      createLogger('silent'),
    );

    const claimed = await claims.claimRequested('owner-s', LEASE_SECONDS, [two.repositoryId, one.repositoryId]);
    poller.readAheadFor(claimed);
    for (const claim of claimed) await poller.poll(claim, undefined, 'owner-s');

    const ahead = { values: { read: 'ahead' }, deferred: [] };
    expect(carried).toHaveLength(3);
    expect(carried.filter((c) => c.scope === two.repositoryId).map((c) => c.store)).toEqual([ahead, undefined]);
    expect(carried.filter((c) => c.scope === one.repositoryId).map((c) => c.store)).toEqual([ahead]);
    expect(await leaseOf(two.repositoryId)).toBeNull();
  });

  describe('a poll written whole gives its lease back in the same write', () => {
    async function polled(answer: { revision: string } | null): Promise<{ claim: ClaimedRepository; released: boolean | undefined }> {
      const { repositoryId } = await repository();
      await states.requestRepositoryPoll(repositoryId);
      const [claim] = await claims.claimRequested('owner-r', LEASE_SECONDS, [repositoryId]);
      const packages = await new PollWorkQueries(db).packagesOf(claim);
      const revision = answer && { revision: answer.revision, timestamp: '2026-01-01T00:00:00Z', user: null, comment: null, trackback_url: null, data: {} };
      const recorded = await new PollRecorder(db, new EventStore(db)).record({
        claim,
        owner: 'owner-r',
        repository: { id: repositoryId, name: claim.name, pluginId: 'p' },
        packages,
        results: packages.map((p) => ({ packageId: p.packageId, kind: 'answer' as const, revision, warnings: [] })),
      });
      return { claim, released: recorded.released };
    }

    async function repositoryState(repositoryId: string) {
      return db
        .knex(TABLES.repositoryPollState)
        .where({ repository_id: repositoryId })
        .first<{ lease_owner: string | null; poll_requested_at: Date | null; last_polled_at: Date | null }>();
    }

    it.each([
      ['nothing new (one statement)', null],
      ['a new revision (a transaction with its event)', { revision: '1.0.0' }],
    ])('%s', async (_what, answer) => {
      const { claim, released } = await polled(answer);

      const state = await repositoryState(claim.repositoryId);
      expect(released).toBe(true);
      expect(state).toMatchObject({ lease_owner: null, poll_requested_at: null });
      expect(state?.last_polled_at).not.toBeNull();
    });
  });
});
