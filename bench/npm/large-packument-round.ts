import type { BatonApi } from '../polling/baton-api';
import { meanPollSeconds, pluginMemory, type TimedPoll } from '../polling/plugin-polls';
import type { RepositoryServerProcess } from '../polling/repository-server-process';
import type { GeneratedRegistry } from './generated-registry';
import { LARGE_PACKAGE } from './generated-registry';
import { checkPoll, NpmRepository } from './npm-api';

/**
 * Polls of the unchanged packument after the first, per round. The first few of a fresh process
 * run code not yet compiled and follow the first read's garbage; ten a round make the median the
 * poll a running server makes, while every one of them is still shown.
 */
export const UNCHANGED_POLLS = 10;

/** Unchanged polls: through the API, as the server timed them, and how many requests each made of the registry. */
export interface UnchangedPolls {
  apiSeconds: number[];
  serverSeconds: number[];
  requests: number[];
}

/** What one round, on a fresh Baton, measured of the large packument. */
export interface LargeRound {
  coldApiSeconds: number;
  coldServerSeconds: number;
  coldRequests: number;
  /** Heap used + external of the (only) worker before the first poll, and the most it held during it. */
  idleBytes: number;
  peakBytes: number;
  withEtag: UnchangedPolls;
  withoutValidators: UnchangedPolls;
}

/** The registry servers: one that sends ETag and Last-Modified, one that sends neither. */
export interface RegistryServers {
  etag: RepositoryServerProcess;
  plain: RepositoryServerProcess;
}

async function unchangedPolls(api: BatonApi, repository: NpmRepository, server: RepositoryServerProcess): Promise<UnchangedPolls> {
  const polls: UnchangedPolls = { apiSeconds: [], serverSeconds: [], requests: [] };
  await server.requests();
  let before = await api.scrape();
  for (let run = 0; run < UNCHANGED_POLLS; run += 1) {
    const poll = await repository.poll();
    checkPoll(poll, [LARGE_PACKAGE], 'no_change');
    const after = await api.scrape();
    polls.apiSeconds.push(poll.seconds);
    polls.serverSeconds.push(meanPollSeconds(before, after));
    polls.requests.push((await server.requests()).length);
    before = after;
  }
  return polls;
}

function checkFirst(poll: TimedPoll, registry: GeneratedRegistry): void {
  checkPoll(poll, [LARGE_PACKAGE], 'new_revision', () => registry.largeLatest);
}

/**
 * One round: the first poll of the large packument (timed by the API and by the server, the
 * worker's memory before and after), then unchanged polls with ETag, then, from the server that
 * sends no validators, a first poll and unchanged polls.
 */
export async function largePackumentRound(api: BatonApi, servers: RegistryServers, registry: GeneratedRegistry): Promise<LargeRound> {
  const withEtag = await NpmRepository.register(api, 'bench-etag', servers.etag.url);
  await withEtag.add([LARGE_PACKAGE]);
  const plain = await NpmRepository.register(api, 'bench-no-validators', servers.plain.url);
  await plain.add([LARGE_PACKAGE]);
  const idle = await pluginMemory(api, 'npm');
  await servers.etag.requests();
  const before = await api.scrape();
  const cold = await withEtag.poll();
  checkFirst(cold, registry);
  const after = await api.scrape();
  const peak = await pluginMemory(api, 'npm');
  const coldRequests = (await servers.etag.requests()).length;
  const etagPolls = await unchangedPolls(api, withEtag, servers.etag);
  checkFirst(await plain.poll(), registry);
  const plainPolls = await unchangedPolls(api, plain, servers.plain);
  return {
    coldApiSeconds: cold.seconds,
    coldServerSeconds: meanPollSeconds(before, after),
    coldRequests,
    idleBytes: idle.heap_used_bytes + idle.external_bytes,
    peakBytes: peak.peak_total_bytes,
    withEtag: etagPolls,
    withoutValidators: plainPolls,
  };
}
