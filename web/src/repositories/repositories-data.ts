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
