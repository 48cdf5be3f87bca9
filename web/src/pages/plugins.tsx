import { useEffect, useState } from 'preact/hooks';
import { api, dataOf, messageOf, type Schemas } from '../api/client';
import { PluginCard, type Plugin } from '../plugins/plugin-card';
import { roleAtLeast, type Session } from '../session';

type Listing = { plugins: Plugin[]; refused: Schemas['PluginRefusal'][] };

/** Every loaded plugin with its status, last error and memory, and the plugin packages that were refused. */
export function Plugins({ session }: { session: Session }) {
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.GET('/api/plugins').then(
      (answer) => setListing(dataOf(answer)),
      (e: unknown) => setError(messageOf(e)),
    );
  }, []);
  const changed = (plugin: Plugin) => setListing((l) => l && { ...l, plugins: l.plugins.map((p) => (p.id === plugin.id ? plugin : p)) });
  return (
    <>
      <h1>Plugins</h1>
      {error !== null && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {listing === null && error === null && <p>Loading plugins…</p>}
      {listing?.plugins.map((plugin) => (
        <PluginCard key={plugin.id} plugin={plugin} mayRestart={roleAtLeast(session.role, 'admin')} onChanged={changed} />
      ))}
      {listing !== null && listing.refused.length > 0 && (
        <section class="card" aria-labelledby="refused">
          <h2 id="refused">Refused plugin packages</h2>
          <ul>
            {listing.refused.map((r) => (
              <li key={r.location}>
                <code>{r.location}</code>: {r.message}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
