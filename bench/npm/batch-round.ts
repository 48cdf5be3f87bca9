import type { BatonApi } from '../polling/baton-api';
import { meanPollSeconds } from '../polling/plugin-polls';
import type { RepositoryServerProcess } from '../polling/repository-server-process';
import type { GeneratedRegistry } from './generated-registry';
import { checkPoll, NpmRepository } from './npm-api';

/** Polls of the unchanged batch after the first. */
export const BATCH_POLLS = 3;

/** What the batch measured: each unchanged poll of the whole repository. */
export interface BatchRound {
  packages: number;
  apiSeconds: number[];
  serverSeconds: number[];
  /** Requests the registry answered 304 in each poll, and how many it answered in all. */
  notModified: number[];
  requests: number[];
}

/** One repository of `registry.batchNames`, polled once, then polled unchanged: one batch call each time. */
export async function batchRound(api: BatonApi, server: RepositoryServerProcess, registry: GeneratedRegistry): Promise<BatchRound> {
  const repository = await NpmRepository.register(api, 'bench-batch', server.url);
  await repository.add(registry.batchNames);
  checkPoll(await repository.poll(), registry.batchNames, 'new_revision', (name) => registry.batchLatest.get(name) ?? '');
  await server.requests();
  const round: BatchRound = { packages: registry.batchNames.length, apiSeconds: [], serverSeconds: [], notModified: [], requests: [] };
  let before = await api.scrape();
  for (let run = 0; run < BATCH_POLLS; run += 1) {
    const poll = await repository.poll();
    checkPoll(poll, registry.batchNames, 'no_change');
    const after = await api.scrape();
    const served = await server.requests();
    round.apiSeconds.push(poll.seconds);
    round.serverSeconds.push(meanPollSeconds(before, after));
    round.notModified.push(served.filter((r) => r.status === 304).length);
    round.requests.push(served.length);
    before = after;
  }
  return round;
}
