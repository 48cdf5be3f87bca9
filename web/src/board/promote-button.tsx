import { useRef, useState } from 'preact/hooks';
import { messageOf } from '../api/client';
import { promote, type Level, type Promotion } from './board-data';

interface PromoteButtonProps {
  revision: string;
  level: Level;
  promotion: Promotion;
  onPromoted: () => void;
}

/** Promote, after a confirmation that names the revision and the level; a refusal shows in the cell in the server's words. */
export function PromoteButton({ revision, level, promotion, onPromoted }: PromoteButtonProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const where = `${level.pipeline} → ${level.stage}`;
  const how = promotion.kind === 'approve' ? `approves ${level.stage} of run ${promotion.counter}` : `runs ${level.pipeline} with this revision`;
  const confirm = async () => {
    dialog.current?.close();
    setBusy(true);
    setError(null);
    try {
      await promote(level, promotion);
      onPromoted();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class="promote" disabled={busy} aria-label={`Promote ${revision} to ${where}`} onClick={() => dialog.current?.showModal()}>
        Promote
      </button>
      {busy && <span role="status">Promoting…</span>}
      {error !== null && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <dialog ref={dialog} aria-labelledby={`confirm-${revision}-${level.pipeline}-${level.stage}`}>
        <p id={`confirm-${revision}-${level.pipeline}-${level.stage}`}>
          Promote revision <code>{revision}</code> to <strong>{where}</strong>? This {how}.
        </p>
        <div class="dialog-buttons">
          <button type="button" onClick={() => void confirm()}>
            Promote {revision}
          </button>
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </dialog>
    </>
  );
}
