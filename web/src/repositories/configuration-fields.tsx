import type { Schemas } from '../api/client';
import { FieldErrors } from './field-errors';

export type ConfigurationProperty = Schemas['ConfigurationProperty'];
export type ConfigurationEntry = Schemas['ConfigurationEntry'];

interface ConfigurationFieldsProps {
  /** Unique on the page: field ids are made from it. */
  idPrefix: string;
  properties: ConfigurationProperty[];
  values: Record<string, string>;
  /** Keys whose stored value is secure: an empty field keeps it. */
  storedSecure: ReadonlySet<string>;
  errors: Record<string, string[]>;
  onChange: (key: string, value: string) => void;
}

/**
 * The fields of a plugin's configuration schema, in its order, with its names, descriptions and
 * required marks. A secure field is a password input that never holds the stored value.
 */
export function ConfigurationFields({ idPrefix, properties, values, storedSecure, errors, onChange }: ConfigurationFieldsProps) {
  const ordered = [...properties].sort((a, b) => a.display_order - b.display_order);
  return (
    <>
      {ordered.map((property) => {
        const id = `${idPrefix}-${property.key}`;
        const fieldErrors = errors[`configuration.${property.key}`] ?? [];
        const kept = property.secure && storedSecure.has(property.key);
        const described = [property.description && `${id}-hint`, fieldErrors.length > 0 && `${id}-error`].filter(Boolean).join(' ');
        // Two literal types rather than one union: the input's typings tell a password input apart.
        const kind = property.secure ? ({ type: 'password', autocomplete: 'new-password' } as const) : ({ type: 'text', autocomplete: 'off' } as const);
        return (
          <div class="field" key={property.key}>
            <label for={id}>
              {property.display_name}
              {property.required && <span class="required"> (required)</span>}
            </label>
            <input
              id={id}
              {...kind}
              value={values[property.key] ?? ''}
              required={property.required && !kept}
              aria-invalid={fieldErrors.length > 0 ? 'true' : undefined}
              aria-describedby={described || undefined}
              placeholder={kept ? 'Stored: leave empty to keep it' : (property.default_value ?? undefined)}
              onInput={(e) => onChange(property.key, e.currentTarget.value)}
            />
            {property.description && (
              <p id={`${id}-hint`} class="hint">
                {property.description}
              </p>
            )}
            <FieldErrors id={`${id}-error`} errors={fieldErrors} />
          </div>
        );
      })}
    </>
  );
}

/**
 * The configuration to send: the values entered, and for a secure field left empty the stored
 * `encrypted_value`, which the API takes as "keep it".
 */
export function configurationOf(properties: ConfigurationProperty[], values: Record<string, string>, stored: ConfigurationEntry[]): ConfigurationEntry[] {
  const entries: ConfigurationEntry[] = [];
  for (const { key, secure } of properties) {
    const value = values[key] ?? '';
    const before = stored.find((e) => e.key === key);
    if (value !== '') entries.push({ key, value });
    else if (secure && before !== undefined && 'encrypted_value' in before) entries.push(before);
  }
  return entries;
}

/** The plain values of a stored configuration, for a form to start from; secure ones stay empty. */
export function plainValues(stored: ConfigurationEntry[]): Record<string, string> {
  return Object.fromEntries(stored.flatMap((e) => ('value' in e ? [[e.key, e.value]] : [])));
}

export function secureKeys(stored: ConfigurationEntry[]): Set<string> {
  return new Set(stored.flatMap((e) => ('encrypted_value' in e ? [e.key] : [])));
}
