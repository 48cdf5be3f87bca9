import { performance } from 'node:perf_hooks';
import type { BatonApi } from '../polling/baton-api';
import type { PollAnswer } from '../polling/plugin-polls';
import { GROUP, type GeneratedArtifact } from './generated-repository';

/** A repository of the benchmark in Baton and its packages, one per artifact, by package id. */
export interface Watched {
  repositoryId: string;
  artifacts: Map<string, GeneratedArtifact>;
}

/** The Maven repositories and packages of the benchmark, through the API. */
export class MavenApi {
  constructor(private readonly api: BatonApi) {}

  /** Registers a repository and a package per artifact (none polled by the scheduler), `concurrency` at a time. */
  async watch(name: string, url: string, artifacts: GeneratedArtifact[], concurrency = 8): Promise<Watched> {
    const repository = { name, plugin_id: 'maven', configuration: [{ key: 'REPO_URL', value: url }] };
    const repositoryId = (await this.api.json<{ id: string }>('POST', '/api/repositories', repository, 201)).id;
    const watched: Watched = { repositoryId, artifacts: new Map() };
    let next = 0;
    const register = async () => {
      for (let i = next++; i < artifacts.length; i = next++) {
        const artifact = artifacts[i];
        const body = {
          name: `${name}-${artifact.artifactId}`,
          repository_id: repositoryId,
          configuration: [
            { key: 'GROUP_ID', value: GROUP },
            { key: 'ARTIFACT_ID', value: artifact.artifactId },
          ],
          auto_update: false,
        };
        watched.artifacts.set((await this.api.json<{ id: string }>('POST', '/api/packages', body, 201)).id, artifact);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, register));
    return watched;
  }

  /** `POST /api/repositories/:id/poll?wait=300` — one batch call for all its packages — timed in seconds; throws unless every package got `outcome`. */
  async poll(watched: Watched, outcome: 'new_revision' | 'no_change'): Promise<number> {
    const startedAt = performance.now();
    const answer = await this.api.json<{ packages: PollAnswer[] }>('POST', `/api/repositories/${watched.repositoryId}/poll?wait=300`);
    const seconds = (performance.now() - startedAt) / 1000;
    if (answer.packages.length !== watched.artifacts.size) throw new Error(`the poll answered ${answer.packages.length} of ${watched.artifacts.size} packages`);
    for (const polled of answer.packages) checkAnswer(polled, watched.artifacts.get(polled.package_id), outcome);
    return seconds;
  }
}

function checkAnswer(polled: PollAnswer, artifact: GeneratedArtifact | undefined, outcome: string): void {
  const got = polled.revision?.revision ?? polled.error?.message ?? polled.outcome;
  if (polled.outcome !== outcome || (outcome === 'new_revision' && got !== artifact?.expected)) {
    throw new Error(`${artifact?.artifactId ?? polled.package_id}: wanted ${outcome} ${artifact?.expected ?? ''}, got ${polled.outcome} (${got})`);
  }
}
