import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, dataOf, messageOf } from '../api/client';
import { LiveNote, useLiveEvents } from '../live-events';
import { PackageRow } from '../repositories/package-row';
import { AddRepository, RepositoryAdmin, type Plugin } from '../repositories/repository-admin';
import { loadPackage, loadPackages, loadRepositories, type Package, type Repository } from '../repositories/repositories-data';
import { roleAtLeast, type Session } from '../session';

/** What changes a package's health or latest revision: each names the package in its data. */
const PACKAGE_EVENTS = ['package.revision.detected', 'package.poll.failed', 'package.poll.recovered'] as const;

/** Every repository with its packages' poll health and latest revisions, following the event stream. */
export function Repositories({ session }: { session: Session }) {
  const [repositories, setRepositories] = useState<Repository[] | null>(null);
  const [packages, setPackages] = useState<Package[]>([]);
  const [plugins, setPlugins] = useState<Plugin[]>([]);
  const [error, setError] = useState<string | null>(null);
  const isAdmin = roleAtLeast(session.role, 'admin');
  const report = (e: unknown) => setError(messageOf(e));

  useEffect(() => {
    Promise.all([loadRepositories(), loadPackages()]).then(([r, p]) => {
      setRepositories(r);
      setPackages(p);
    }, report);
    if (isAdmin) api.GET('/api/plugins').then((answer) => setPlugins(dataOf(answer).plugins), report);
  }, [isAdmin]);
  const repositoryChanged = (changed: Repository) =>
    setRepositories((current) => {
      const others = (current ?? []).filter((r) => r.id !== changed.id);
      return [...others, changed].sort((a, b) => a.name.localeCompare(b.name));
    });
  const packageStored = (stored: Package) => setPackages((current) => [...current.filter((p) => p.id !== stored.id), stored]);
  const refresh = useCallback(async (id: string) => {
    const fresh = await loadPackage(id);
    setPackages((current) => (current.some((p) => p.id === id) ? current.map((p) => (p.id === id ? fresh : p)) : [...current, fresh]));
  }, []);
  const live = useLiveEvents(PACKAGE_EVENTS, (event) => {
    const id = event.data['package_id'];
    if (typeof id === 'string') refresh(id).catch(report);
  });

  const mayPoll = roleAtLeast(session.role, 'operator');
  return (
    <>
      <h1>Repositories</h1>
      <LiveNote live={live} error={error} />
      {isAdmin && plugins.length > 0 && <AddRepository plugins={plugins} onAdded={repositoryChanged} />}
      {repositories === null && error === null && <p>Loading repositories…</p>}
      {repositories?.length === 0 && <p>No repositories yet. Register one with POST /api/repositories.</p>}
      {repositories?.map((repository) => {
        const own = packages.filter((p) => p.repository_id === repository.id).sort((a, b) => a.name.localeCompare(b.name));
        const plugin = plugins.find((p) => p.id === repository.plugin_id);
        const edit = isAdmin && plugin !== undefined ? { plugin, onChanged: packageStored } : undefined;
        return (
          <section key={repository.id} class="card" aria-labelledby={`repository-${repository.id}`}>
            <h2 id={`repository-${repository.id}`}>
              {repository.name} <span class="muted">({repository.plugin_id})</span>
            </h2>
            {own.length === 0 ? (
              <p>No packages.</p>
            ) : (
              <ul class="packages" aria-label={`Packages of ${repository.name}`}>
                {own.map((pkg) => (
                  <PackageRow key={pkg.id} pkg={pkg} mayPoll={mayPoll} onPolled={refresh} edit={edit} />
                ))}
              </ul>
            )}
            {isAdmin && <RepositoryAdmin repository={repository} plugin={plugin} onChanged={repositoryChanged} onPackageAdded={packageStored} />}
          </section>
        );
      })}
    </>
  );
}
