import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { pageRequest } from '../../db/pagination';
import { InvalidInput, NotFound } from '../../domain-errors';
import type { PollRequests } from '../../materials/polling/poll-requests';
import type { RefreshHints } from '../../materials/polling/refresh-hints';
import { HintRefused } from '../../materials/polling/refresh-hints';
import type { RevisionStore } from '../../materials/polling/revision-store';
import type { PackageService } from '../../materials/package-service';
import type { RepositoryService } from '../../materials/repository-service';
import { HttpProblem } from '../problem';
import { presentRevision } from '../presenters';
import { defineRoute, type RouteDefinition } from '../route';
import { PollOutcome, RecordedRevision } from '../polling-schemas';
import { collection, ID_PARAM, PAGE_QUERY, Problem, ref } from '../schemas';

const MAX_WAIT_SECONDS = 300;
const STILL_POLLING: Static<typeof PollOutcome> = { outcome: 'pending' };
const ACCEPTED = { status: 'accepted' } as const;
const WAIT_QUERY = {
  wait: { description: `Seconds to wait for the outcome, 0 to ${MAX_WAIT_SECONDS} (default 30).`, schema: Type.String({ pattern: '^[0-9]+$' }) },
};

function waitSeconds(query: Record<string, string | undefined>): number {
  const text = query['wait'];
  if (text === undefined) return 30;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 0 && value <= MAX_WAIT_SECONDS)) throw InvalidInput.field('wait', `wait must be a whole number of seconds from 0 to ${MAX_WAIT_SECONDS}`);
  return value;
}

/** When the request arrived (noted by the app before any work on it), on `performance.now()`'s clock. */
function arrivedAt(locals: Record<string, unknown>): number {
  const received = locals['receivedAt'];
  return typeof received === 'number' ? received : performance.now();
}

/**
 * A poll request, which refuses what is not there to poll (no such thing, or archived) with a
 * NotFound; `explain` then looks the thing up to throw the precise refusal (404 or 409). A request
 * for something live, the usual case, costs no lookup beforehand. An answer that is still pending
 * may have come before the refusal (with `wait=0`, say), so it is checked the same way.
 */
async function explainedRefusal<T>(request: () => Promise<T>, explain: () => Promise<unknown>, pending: (answer: T) => boolean): Promise<T> {
  let answer: T;
  try {
    answer = await request();
  } catch (error) {
    if (error instanceof NotFound) await explain();
    throw error;
  }
  if (pending(answer)) await explain();
  return answer;
}

interface PollingDependencies {
  packages: PackageService;
  repositories: RepositoryService;
  requests: PollRequests;
  hints: RefreshHints;
  revisions: RevisionStore;
}

/** Revision history, polls on request, and refresh hints. */
export function pollingRoutes(deps: PollingDependencies): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/packages/:id/revisions',
      operationId: 'listPackageRevisions',
      summary: 'A package’s revision history, newest first',
      tag: 'packages',
      access: 'viewer',
      params: ID_PARAM,
      query: PAGE_QUERY,
      responses: { 200: { description: 'A page of revisions.', schema: collection('revisions', ref(RecordedRevision)) } },
      async handler({ params, query }) {
        await deps.packages.get(params['id']);
        const page = await deps.revisions.history(params['id'], pageRequest(query));
        return { status: 200, body: { revisions: page.items.map(presentRevision), next_cursor: page.nextCursor } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/packages/:id/poll',
      operationId: 'pollPackage',
      summary: 'Poll a package now and wait for the outcome',
      tag: 'packages',
      access: 'operator',
      params: ID_PARAM,
      query: WAIT_QUERY,
      responses: {
        200: { description: 'The outcome of the poll.', schema: ref(PollOutcome) },
        202: { description: 'The poll did not finish within `wait`; it goes on.', schema: ref(PollOutcome) },
        409: { description: 'The package is archived: it is no longer polled.', schema: ref(Problem) },
      },
      async handler({ params, query, response }) {
        const wait = waitSeconds(query);
        const answer = await explainedRefusal(
          () => deps.requests.pollPackage(params['id'], wait, arrivedAt(response.locals)),
          () => deps.packages.live(params['id']),
          (a) => a.outcome === 'pending',
        );
        const { package_id: _id, ...body } = answer;
        return {
          status: answer.outcome === 'pending' ? 202 : 200,
          body: { ...body, ...(answer.revision ? { revision: presentRevision(answer.revision) } : {}) },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/repositories/:id/poll',
      operationId: 'pollRepository',
      summary: 'Poll every package of a repository now and wait for the outcome',
      tag: 'repositories',
      access: 'operator',
      params: ID_PARAM,
      query: WAIT_QUERY,
      responses: {
        200: {
          description: 'The outcome for each package.',
          schema: Type.Object({ packages: Type.Array(ref(PollOutcome)) }, { additionalProperties: false }),
        },
        202: { description: 'The poll did not finish within `wait`; it goes on.', schema: ref(PollOutcome) },
        409: { description: 'The repository is archived: it is no longer polled.', schema: ref(Problem) },
      },
      async handler({ params, query, response }) {
        const wait = waitSeconds(query);
        const result = await explainedRefusal(
          () => deps.requests.pollRepository(params['id'], wait, arrivedAt(response.locals)),
          () => deps.repositories.live(params['id']),
          (r) => !r.done,
        );
        if (!result.done) return { status: 202, body: STILL_POLLING };
        const packages = result.packages.map((a) => ({ ...a, ...(a.revision ? { revision: presentRevision(a.revision) } : {}) }));
        return { status: 200, body: { packages } };
      },
    }),
    ...hookRoutes(deps),
  ];
}

function hookRoutes(deps: PollingDependencies): RouteDefinition[] {
  const SECRET = Type.Object({ secret: Type.String() }, { additionalProperties: false });
  return [
    defineRoute({
      method: 'get',
      path: '/api/repositories/:id/hook-secret',
      operationId: 'getRepositoryHookSecret',
      summary: 'The secret that signs refresh hints for this repository',
      tag: 'repositories',
      access: 'admin',
      params: ID_PARAM,
      responses: { 200: { description: 'The secret.', schema: SECRET } },
      async handler({ params }) {
        await deps.repositories.find(params['id']);
        return { status: 200, body: { secret: await deps.hints.secret(params['id']) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/repositories/:id/hook-secret/rotate',
      operationId: 'rotateRepositoryHookSecret',
      summary: 'Replace the hook secret; hints signed with the old one are refused from now on',
      tag: 'repositories',
      access: 'admin',
      params: ID_PARAM,
      responses: { 200: { description: 'The new secret.', schema: SECRET } },
      async handler({ params }) {
        await deps.repositories.find(params['id']);
        return { status: 200, body: { secret: await deps.hints.rotate(params['id']) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/hooks/repositories/:id',
      operationId: 'hintRepository',
      summary:
        'A refresh hint: poll this repository’s packages soon. Sent with X-Baton-Timestamp (unix seconds, within five minutes of now) and X-Baton-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">; each signature is accepted once',
      tag: 'hooks',
      access: 'public',
      params: ID_PARAM,
      rawBody: true,
      requestHeaders: {
        'X-Baton-Timestamp': { description: 'When the hint was signed, in unix seconds; within five minutes of now.', required: true },
        'X-Baton-Signature': { description: '`sha256=` and the hex HMAC-SHA256 of `<timestamp>.<raw body>` with the hook secret.', required: true },
      },
      responses: {
        202: {
          description: 'Accepted: the repository will be polled soon.',
          schema: Type.Object({ status: Type.Literal('accepted') }, { additionalProperties: false }),
        },
        401: { description: 'The timestamp or the signature is missing or wrong, or the timestamp is too old; nothing happens.', schema: ref(Problem) },
        409: { description: 'This hint (its signature) was received before: a replay; nothing happens.', schema: ref(Problem) },
        429: { description: 'Too many hints for this repository.', schema: ref(Problem) },
      },
      async handler({ params, body, header }) {
        try {
          await deps.hints.verify(params['id'], body, header('x-baton-signature'), header('x-baton-timestamp'));
        } catch (error) {
          if (!(error instanceof HintRefused)) throw error;
          if (error.reason === 'rate') throw new HttpProblem(429, error.message, { 'Retry-After': String(error.retryAfterSeconds ?? 1) });
          if (error.reason === 'replay') throw new HttpProblem(409, error.message);
          throw new HttpProblem(401, error.message);
        }
        await deps.requests.requestRepository(params['id']);
        return { status: 202, body: ACCEPTED };
      },
    }),
  ];
}
