import { useEffect, useState } from 'preact/hooks';
import { messageOf } from './api/client';
import type { ValueStreamPage } from './pages/value-stream';

/** The value stream page, loaded with its graph layout library only when it is first opened. */
export function LazyValueStream({ packageId }: { packageId: string }) {
  const [Page, setPage] = useState<typeof ValueStreamPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    import('./pages/value-stream').then(
      (module) => setPage(() => module.ValueStreamPage),
      (e: unknown) => setError(messageOf(e)),
    );
  }, []);
  if (error !== null) {
    return (
      <p role="alert" class="error">
        Could not load the value stream page: {error}
      </p>
    );
  }
  return Page === null ? <p>Loading the value stream…</p> : <Page packageId={packageId} />;
}
