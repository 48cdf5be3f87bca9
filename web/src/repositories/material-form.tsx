import { useState } from 'preact/hooks';
import { ApiError, messageOf, type Schemas } from '../api/client';
import { ConfigurationFields, configurationOf, plainValues, secureKeys, type ConfigurationEntry, type ConfigurationProperty } from './configuration-fields';
import { PollingFields, type PollingSettings } from './polling-fields';
import { FieldErrors } from './field-errors';

export type ConnectionCheck = Schemas['ConnectionCheck'];

interface MaterialFormProps {
  /** Unique on the page: field ids are made from it. */
  idPrefix: string;
  /** The form's accessible name: what it adds or edits. */
  title: string;
  submitText: string;
  properties: ConfigurationProperty[];
  name?: string;
  stored?: ConfigurationEntry[];
  /** A package's polling settings to start from (empty where the user sets them first); a repository has none. */
  polling?: PollingSettings;
  save: (name: string, configuration: ConfigurationEntry[], polling: PollingSettings) => Promise<void>;
  /** Checks the connection with the configuration as entered, or null where the API offers no such check. */
  check: ((name: string, configuration: ConfigurationEntry[]) => Promise<ConnectionCheck>) | null;
}

/** A repository's or package's name and configuration, generated from its plugin's schema (and a package's polling settings); the server's field errors show beside their fields. */
export function MaterialForm(props: MaterialFormProps) {
  const { idPrefix, title, submitText, properties, name: initialName = '', stored = [], polling: initialPolling, save, check } = props;
  const [name, setName] = useState(initialName);
  const [polling, setPolling] = useState<PollingSettings>(initialPolling ?? {});
  const [values, setValues] = useState<Record<string, string>>(() => plainValues(stored));
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [checked, setChecked] = useState<ConnectionCheck | null>(null);
  const [saved, setSaved] = useState(false);
  const configuration = () => configurationOf(properties, values, stored);

  const attempt = async (act: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    setErrors({});
    setSaved(false);
    try {
      await act();
    } catch (e) {
      setProblem(messageOf(e));
      if (e instanceof ApiError) setErrors(e.fields);
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: Event) => {
    event.preventDefault();
    void attempt(async () => {
      await save(name.trim(), configuration(), polling);
      setSaved(true);
    });
  };
  const nameErrors = errors['name'] ?? [];
  return (
    <form class="material-form" aria-label={title} onSubmit={submit}>
      <div class="field">
        <label for={`${idPrefix}-name`}>
          Name<span class="required"> (required)</span>
        </label>
        <input
          id={`${idPrefix}-name`}
          value={name}
          required
          aria-invalid={nameErrors.length > 0 ? 'true' : undefined}
          aria-describedby={nameErrors.length > 0 ? `${idPrefix}-name-error` : undefined}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <FieldErrors id={`${idPrefix}-name-error`} errors={nameErrors} />
      </div>
      <ConfigurationFields
        idPrefix={idPrefix}
        properties={properties}
        values={values}
        storedSecure={secureKeys(stored)}
        errors={errors}
        onChange={(key, value) => setValues((current) => ({ ...current, [key]: value }))}
      />
      {initialPolling !== undefined && <PollingFields idPrefix={idPrefix} value={polling} errors={errors} onChange={setPolling} />}
      <div class="form-actions">
        <button type="submit" disabled={busy}>
          {submitText}
        </button>
        {check !== null && (
          <button type="button" disabled={busy} onClick={() => void attempt(async () => setChecked(await check(name.trim(), configuration())))}>
            Check connection
          </button>
        )}
        {busy && <span role="status">Asking the server…</span>}
        {saved && <span role="status">Saved.</span>}
      </div>
      {checked !== null && (
        <div role="status" class={checked.ok ? 'check-ok' : 'error'}>
          <strong>{checked.ok ? '✓ Connection OK' : '✕ Connection failed'}</strong>
          {checked.revision != null && (
            <p>
              Latest revision: <code>{checked.revision.revision}</code>
            </p>
          )}
          <ul>
            {checked.messages.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </div>
      )}
      {problem !== null && (
        <p role="alert" class="error">
          {problem}
        </p>
      )}
    </form>
  );
}
