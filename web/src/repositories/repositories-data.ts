import { allPages, PAGE_SIZE } from '../api/all-pages';
import { api, dataOf, type Schemas } from '../api/client';

export type Repository = Schemas['Repository'];
export type Package = Schemas['Package'];
export type PollOutcome = Schemas['PollOutcome'];

export async function loadRepositories(): Promise<Repository[]> {
  const repositories = await allPages(
    async (cursor) => dataOf(await api.GET('/api/repositories', { params: { query: { limit: PAGE_SIZE, cursor } } })),
    (page) => page.repositories,
  );
  return repositories.sort((a, b) => a.name.localeCompare(b.name));
}

export function loadPackages(): Promise<Package[]> {
  return allPages(
    async (cursor) => dataOf(await api.GET('/api/packages', { params: { query: { limit: PAGE_SIZE, cursor } } })),
    (page) => page.packages,
  );
}

export async function loadPackage(id: string): Promise<Package> {
  return dataOf(await api.GET('/api/packages/{id}', { params: { path: { id } } }));
}

/** Polls now and waits for the outcome (the server answers 202 while the poll is still under way). */
export async function pollNow(id: string): Promise<PollOutcome> {
  return dataOf(await api.POST('/api/packages/{id}/poll', { params: { path: { id }, query: { wait: '30' } } }));
}

/** The outcome of a poll, in words. */
export function outcomeText(outcome: PollOutcome): string {
  switch (outcome.outcome) {
    case 'new_revision':
      return `New revision ${outcome.revision?.revision ?? ''}`.trim();
    case 'no_change':
      return 'No change';
    case 'failed':
      return `Failed: ${outcome.error?.message ?? 'no reason given'}`;
    case 'pending':
      return 'Still polling: the page updates when it ends';
  }
}

type Entries = Schemas['ConfigurationEntry'][];

export async function addRepository(name: string, pluginId: string, configuration: Entries): Promise<Repository> {
  return dataOf(await api.POST('/api/repositories', { body: { name, plugin_id: pluginId, configuration } }));
}

export async function checkUnsavedRepository(name: string, pluginId: string, configuration: Entries): Promise<Schemas['ConnectionCheck']> {
  return dataOf(await api.POST('/api/repositories/check-connection', { body: { ...(name ? { name } : {}), plugin_id: pluginId, configuration } }));
}

/** The repository as stored now, with its version (ETag) for If-Match on the change that follows. */
export async function loadRepositoryForEdit(id: string): Promise<{ repository: Repository; etag: string }> {
  const answer = await api.GET('/api/repositories/{id}', { params: { path: { id } } });
  return { repository: dataOf(answer), etag: answer.response.headers.get('ETag') ?? '' };
}

export async function updateRepository(id: string, etag: string, body: { name: string; plugin_id: string; configuration: Entries }): Promise<Repository> {
  return dataOf(await api.PUT('/api/repositories/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body }));
}

/** A new package, polled automatically every minute (the API's defaults; the REST API sets others). */
export async function addPackage(name: string, repositoryId: string, configuration: Entries): Promise<Package> {
  const body = { name, repository_id: repositoryId, configuration, auto_update: true, poll_interval_seconds: 60 };
  return dataOf(await api.POST('/api/packages', { body }));
}
