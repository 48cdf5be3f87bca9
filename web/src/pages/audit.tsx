import { useEffect, useState } from 'preact/hooks';
import { api, dataOf, messageOf, type Schemas } from '../api/client';

type AuditEntry = Schemas['AuditEntry'];

const PAGE = '100';

async function loadAuditPage(cursor: string | undefined, resourceType: string): Promise<{ entries: AuditEntry[]; next: string | null }> {
  const query = { limit: PAGE, ...(cursor ? { cursor } : {}), ...(resourceType ? { resource_type: resourceType } : {}) };
  const page = dataOf(await api.GET('/api/audit', { params: { query } }));
  return { entries: page.entries, next: page.next_cursor };
}

/** The audit log, newest first, a page at a time, filterable by the kind of resource. Admins only: the server refuses others. */
export function Audit() {
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [resourceType, setResourceType] = useState('');
  const [error, setError] = useState<string | null>(null);
  const load = (cursor: string | undefined) => {
    setError(null);
    loadAuditPage(cursor, resourceType.trim()).then(
      (page) => {
        setEntries((current) => (cursor === undefined ? page.entries : [...(current ?? []), ...page.entries]));
        setNext(page.next);
      },
      (e: unknown) => setError(messageOf(e)),
    );
  };
  useEffect(() => load(undefined), [resourceType]);
  return (
    <>
      <h1>Audit</h1>
      <div class="filter">
        <label for="audit-resource-type">Only entries about (repository, package, token, plugin…)</label>
        <input id="audit-resource-type" type="search" value={resourceType} onChange={(e) => setResourceType(e.currentTarget.value)} />
      </div>
      {error !== null && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {entries === null ? (
        error === null && <p>Loading the audit log…</p>
      ) : entries.length === 0 ? (
        <p>No entries.</p>
      ) : (
        <ol class="audit" aria-label="Audit entries">
          {entries.map((entry) => (
            <li key={entry.id} class="card">
              <time dateTime={entry.occurred_at}>{new Date(entry.occurred_at).toLocaleString()}</time> <strong>{entry.actor}</strong>{' '}
              <code>{entry.action}</code> {entry.resource_type}
              {entry.resource_id !== null && <code class="muted"> {entry.resource_id}</code>}
              {Object.keys(entry.details).length > 0 && <pre class="details">{JSON.stringify(entry.details, null, 2)}</pre>}
            </li>
          ))}
        </ol>
      )}
      {next !== null && (
        <button type="button" onClick={() => load(next)}>
          Show older entries
        </button>
      )}
    </>
  );
}
