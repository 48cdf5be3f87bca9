import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { messageOf } from '../api/client';
import type { Versioned } from './repositories-data';

interface EditDetailsProps<T> {
  summary: string;
  load: () => Promise<Versioned<T>>;
  /** The form, given what was read and a way to read it again after a save. */
  children: (editing: Versioned<T>, reload: () => Promise<void>) => ComponentChildren;
}

/**
 * A closed "Edit …" section that reads the resource when opened: the version read then is the
 * one the save sends as If-Match, so a change made meanwhile by someone else is refused.
 */
export function EditDetails<T>({ summary, load, children }: EditDetailsProps<T>) {
  const [editing, setEditing] = useState<Versioned<T> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = async () => setEditing(await load());
  const toggle = (open: boolean) => {
    setError(null);
    if (!open) return setEditing(null);
    reload().catch((e: unknown) => setError(messageOf(e)));
  };
  return (
    <details onToggle={(e) => toggle(e.currentTarget.open)}>
      <summary>{summary}</summary>
      {error !== null && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {editing !== null && children(editing, reload)}
    </details>
  );
}
