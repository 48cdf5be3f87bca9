import { FieldErrors } from './field-errors';

/** A package's polling settings as a form holds them: a key is absent where the user has set nothing. */
export interface PollingSettings {
  auto_update?: boolean;
  poll_interval_seconds?: number;
}

/** What the API fills in for a setting left out; shown, not sent. */
const API_DEFAULTS = { auto_update: true, poll_interval_seconds: 60 } as const;

interface PollingFieldsProps {
  /** Unique on the page: field ids are made from it. */
  idPrefix: string;
  value: PollingSettings;
  errors: Record<string, string[]>;
  onChange: (value: PollingSettings) => void;
}

/** Automatic polling on or off and its interval, with the server's errors about the interval beside it. */
export function PollingFields({ idPrefix, value, errors, onChange }: PollingFieldsProps) {
  const intervalId = `${idPrefix}-poll-interval`;
  const intervalErrors = errors['poll_interval_seconds'] ?? [];
  return (
    <>
      <div class="field">
        <label>
          <input
            type="checkbox"
            checked={value.auto_update ?? API_DEFAULTS.auto_update}
            onChange={(e) => onChange({ ...value, auto_update: e.currentTarget.checked })}
          />{' '}
          Poll automatically
        </label>
      </div>
      <div class="field">
        <label for={intervalId}>Poll interval (seconds)</label>
        <input
          id={intervalId}
          type="number"
          inputMode="numeric"
          min={1}
          step={1}
          value={value.poll_interval_seconds ?? ''}
          placeholder={`${API_DEFAULTS.poll_interval_seconds} (the default)`}
          aria-invalid={intervalErrors.length > 0 ? 'true' : undefined}
          aria-describedby={intervalErrors.length > 0 ? `${intervalId}-error` : undefined}
          onInput={(e) => {
            const { poll_interval_seconds: _, ...rest } = value;
            const entered = e.currentTarget.value;
            onChange(entered === '' ? rest : { ...rest, poll_interval_seconds: Number(entered) });
          }}
        />
        <FieldErrors id={`${intervalId}-error`} errors={intervalErrors} />
      </div>
    </>
  );
}
