import { performance } from 'node:perf_hooks';
import type { BatonApi } from './baton-api';
import { total, type Scrape } from './prometheus';

/** The memory figures of `GET /api/plugins/:id`. */
export interface PluginMemory {
  heap_used_bytes: number;
  external_bytes: number;
  array_buffers_bytes: number;
  peak_total_bytes: number;
  sampled_at: string;
}

/** One package's answer in a repository poll. */
export interface PollAnswer {
  package_id: string;
  outcome: string;
  revision?: { revision: string };
  error?: { message: string };
}

/** A poll of a repository: how long the API took to answer, and what each package got. */
export interface TimedPoll {
  seconds: number;
  outcomes: Map<string, PollAnswer>;
}

/** `POST /api/repositories/:id/poll?wait=300`, timed; outcomes keyed by `keyOf(package id)`. */
export async function timedPoll(api: BatonApi, repositoryId: string, keyOf: (packageId: string) => string = (id) => id): Promise<TimedPoll> {
  const startedAt = performance.now();
  const answer = await api.json<{ packages: PollAnswer[] }>('POST', `/api/repositories/${repositoryId}/poll?wait=300`);
  const seconds = (performance.now() - startedAt) / 1000;
  return { seconds, outcomes: new Map(answer.packages.map((p) => [keyOf(p.package_id), p])) };
}

/** The plugin's worker memory, as `GET /api/plugins/:id` reports it. */
export async function pluginMemory(api: BatonApi, pluginId: string): Promise<PluginMemory> {
  const plugin = await api.json<{ memory: PluginMemory | null }>('GET', `/api/plugins/${pluginId}`);
  if (plugin.memory === null) throw new Error(`the ${pluginId} plugin reports no memory figures`);
  return plugin.memory;
}

/** Every package of a poll is observed with the poll's duration, so the mean per package is the mean per poll. */
export function meanPollSeconds(from: Scrape, to: Scrape): number {
  const delta = (name: string) => total(to, name) - total(from, name);
  return delta('baton_poll_duration_seconds_sum') / delta('baton_poll_duration_seconds_count');
}
