import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api/client';

type Following = 'following' | 'ended' | 'failed';

/**
 * A job's console log. The server keeps the answer open while the job runs and ends it when the
 * job is final, so reading the body to its end is exactly following the job while it runs.
 */
export function JobConsole({ url, label }: { url: string; label: string }) {
  const [text, setText] = useState('');
  const [state, setState] = useState<Following>('following');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    setText('');
    setState('following');
    follow(url, abort.signal, (piece) => setText((current) => current + piece)).then(
      () => setState('ended'),
      (e: unknown) => {
        if (abort.signal.aborted) return;
        setError(messageOf(e));
        setState('failed');
      },
    );
    return () => abort.abort();
  }, [url]);
  return (
    <div class="console">
      <p class="note" role="status">
        {state === 'following' ? 'Following the console while the job runs…' : state === 'ended' ? 'Console complete.' : 'The console stopped.'}
      </p>
      {error !== null && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <pre tabIndex={0} aria-label={label}>
        {text === '' ? 'No output yet.' : text}
      </pre>
    </div>
  );
}

async function follow(url: string, signal: AbortSignal, append: (piece: string) => void): Promise<void> {
  const response = await fetch(url, { credentials: 'same-origin', cache: 'no-store', signal });
  if (!response.ok || response.body === null) {
    const problem = (await response.json().catch(() => null)) as { detail?: string } | null;
    throw new Error(problem?.detail ?? `The server answered ${response.status}`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (let piece = await reader.read(); !piece.done; piece = await reader.read()) append(piece.value);
}
