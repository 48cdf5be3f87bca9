import { useState } from 'preact/hooks';
import { messageOf } from './api/client';

interface ActionButtonProps {
  /** The button's text, kept while the action runs so that its accessible name still contains it. */
  text: string;
  /** The accessible name: the text and what it acts on. */
  name: string;
  busyText: string;
  act: () => Promise<void>;
}

/** A button that calls the API, says while it waits, and shows a failure beside itself in the server's words. */
export function ActionButton({ text, name, busyText, act }: ActionButtonProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await act();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" onClick={() => void run()} disabled={busy} aria-label={name}>
        {text}
      </button>
      {busy && <span role="status">{busyText}</span>}
      {error !== null && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </>
  );
}
