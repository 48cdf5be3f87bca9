import { useState } from 'preact/hooks';
import { api, dataOf, messageOf, type Schemas } from '../api/client';
import { RevisionData } from '../runs/build-cause';

type RecordedRevision = Schemas['RecordedRevision'];

/** A package's revisions, newest first, with the data its plugin reported for each; read when opened. */
export function RevisionHistory({ packageId, name }: { packageId: string; name: string }) {
  const [revisions, setRevisions] = useState<RecordedRevision[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const toggle = (open: boolean) => {
    if (!open) return;
    setError(null);
    api.GET('/api/packages/{id}/revisions', { params: { path: { id: packageId } } }).then(
      (answer) => setRevisions(dataOf(answer).revisions),
      (e: unknown) => setError(messageOf(e)),
    );
  };
  return (
    <details class="history" onToggle={(e) => toggle(e.currentTarget.open)}>
      <summary>Revision history of {name}</summary>
      {error !== null && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {revisions !== null && (
        <ol class="materials" aria-label={`Revisions of ${name}`}>
          {revisions.map((r) => (
            <li key={r.revision}>
              <code>{r.revision}</code> seen <time dateTime={r.detected_at}>{new Date(r.detected_at).toLocaleString()}</time>
              {r.user !== null && ` by ${r.user}`}
              {r.comment !== null && `: ${r.comment}`}
              <RevisionData data={r.data} />
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
