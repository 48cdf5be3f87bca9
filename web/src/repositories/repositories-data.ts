import { allPages, PAGE_SIZE } from '../api/all-pages';
import { api, ApiError, dataOf, type Schemas } from '../api/client';
import type { PollingSettings } from './polling-fields';

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

/** A resource as stored now, with its version (ETag) for If-Match on the change that follows. */
export interface Versioned<T> {
  value: T;
  etag: string;
}

function versioned<T>(answer: { data?: T; error?: unknown; response: Response }): Versioned<T> {
  return { value: dataOf(answer), etag: answer.response.headers.get('ETag') ?? '' };
}

/** A change refused because someone else's came first (412), in words that say what to do. */
async function unlessChangedMeanwhile<T>(what: string, change: Promise<T>): Promise<T> {
  try {
    return await change;
  } catch (e) {
    if (e instanceof ApiError && e.status === 412) {
      throw new ApiError(
        412,
        `Not saved: someone else changed ${what} after this form opened. Close the form and open it again to see their change, then make yours.`,
      );
    }
    throw e;
  }
}

export async function loadRepositoryForEdit(id: string): Promise<Versioned<Repository>> {
  return versioned(await api.GET('/api/repositories/{id}', { params: { path: { id } } }));
}

export function updateRepository(id: string, etag: string, body: { name: string; plugin_id: string; configuration: Entries }): Promise<Repository> {
  return unlessChangedMeanwhile(
    `repository ${body.name}`,
    api.PUT('/api/repositories/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body }).then(dataOf),
  );
}

/** A new package; polling settings the user left alone are left to the API's defaults. */
export async function addPackage(name: string, repositoryId: string, configuration: Entries, polling: PollingSettings): Promise<Package> {
  return dataOf(await api.POST('/api/packages', { body: { name, repository_id: repositoryId, configuration, ...polling } }));
}

export async function loadPackageForEdit(id: string): Promise<Versioned<Package>> {
  return versioned(await api.GET('/api/packages/{id}', { params: { path: { id } } }));
}

export function updatePackage(pkg: Package, etag: string, name: string, configuration: Entries, polling: PollingSettings): Promise<Package> {
  const body = { name, repository_id: pkg.repository_id, configuration, ...polling };
  return unlessChangedMeanwhile(
    `package ${pkg.name}`,
    api.PUT('/api/packages/{id}', { params: { path: { id: pkg.id }, header: { 'If-Match': etag } }, body }).then(dataOf),
  );
}

/** Checks a package's configuration as entered, a new one's or (with `packageId`) one being edited. */
export async function checkUnsavedPackage(repositoryId: string, configuration: Entries, packageId?: string): Promise<Schemas['ConnectionCheck']> {
  const body = { repository_id: repositoryId, configuration, ...(packageId === undefined ? {} : { package_id: packageId }) };
  return dataOf(await api.POST('/api/packages/check-connection', { body }));
}
