import { valueProblem, type ResolvedProperty } from '@baton/plugin-api';
import type { DbConfigurationEntry } from '../db/tables';
import { addFieldError, type FieldErrors } from '../domain-errors';
import { type SecretBox, UndecryptableSecret } from '../security/secret-box';
import type { ConfigurationEntryInput } from './input-schemas';

/** The resource a configuration belongs to; secure values are bound to it. */
export interface ConfigurationOwner {
  resourceType: 'repository' | 'package';
  resourceId: string;
}

export interface PreparedConfiguration {
  /** What goes into the database: secure values encrypted. */
  stored: DbConfigurationEntry[];
  /** What the plugin sees: plain values, defaults applied, empty values left out. */
  plain: Record<string, string>;
  errors: FieldErrors;
}

const FIELD = 'configuration';

/** Turns configurations between their API form, their stored form and the plugin's form. */
export class ConfigurationCodec {
  constructor(private readonly box: SecretBox) {}

  /**
   * Checks and encrypts what a client sent. `previous` is the stored configuration on update:
   * a secure value sent back encrypted is kept only while no URL in the configuration has moved
   * to another origin, so that credentials cannot be redirected to someone else's server.
   */
  prepare(
    properties: readonly ResolvedProperty[],
    entries: readonly ConfigurationEntryInput[],
    owner: ConfigurationOwner,
    previous: readonly DbConfigurationEntry[] | null,
  ): PreparedConfiguration {
    const errors: FieldErrors = {};
    const byKey = new Map(properties.map((p) => [p.key, p]));
    const stored: DbConfigurationEntry[] = [];
    const seen = new Set<string>();
    const movedTo = previous ? movedOrigins(properties, previous, entries) : [];
    for (const entry of entries) {
      const path = `${FIELD}.${entry.key}`;
      const property = byKey.get(entry.key);
      if (seen.has(entry.key)) addFieldError(errors, path, `${entry.key} is given more than once`);
      seen.add(entry.key);
      if (!property) {
        addFieldError(errors, path, `Unknown key '${entry.key}': this plugin takes ${[...byKey.keys()].join(', ') || 'no keys'}`);
        continue;
      }
      const result = this.storeEntry(property, entry, owner, movedTo);
      if (typeof result === 'string') addFieldError(errors, path, result);
      else if (result !== null) stored.push(result);
    }
    return { stored, plain: Object.keys(errors).length > 0 ? {} : this.plain(properties, stored, owner), errors };
  }

  /** Plain values for a plugin call: secure values decrypted, defaults applied, empty values left out. */
  plain(properties: readonly ResolvedProperty[], stored: readonly DbConfigurationEntry[], owner: ConfigurationOwner): Record<string, string> {
    const values: Record<string, string> = {};
    for (const property of properties) {
      if (property.defaultValue !== null && property.defaultValue !== '') values[property.key] = property.defaultValue;
    }
    for (const entry of stored) {
      const value = 'value' in entry ? entry.value : this.box.decrypt(entry.encrypted_value, { ...owner, key: entry.key });
      if (value !== '') values[entry.key] = value;
    }
    return values;
  }

  private storeEntry(
    property: ResolvedProperty,
    entry: ConfigurationEntryInput,
    owner: ConfigurationOwner,
    movedTo: string[],
  ): DbConfigurationEntry | string | null {
    const hasValue = entry.value !== undefined;
    const hasEncrypted = entry.encrypted_value !== undefined;
    if (hasValue === hasEncrypted) return `${entry.key} needs either value or encrypted_value`;
    if (hasValue) {
      if (entry.value === '') return null;
      // Checked here, before any plugin sees it, so a worker never receives 'yes' for a boolean.
      const problem = valueProblem(property, entry.value ?? '');
      if (problem !== null) return `${entry.key} ${problem}`;
      if (!property.secure) return { key: entry.key, value: entry.value! };
      return { key: entry.key, encrypted_value: this.box.encrypt(entry.value!, { ...owner, key: entry.key }) };
    }
    if (!property.secure) return `${entry.key} is not a secure property: send its value`;
    if (movedTo.length > 0) return `${entry.key} must be entered again: ${movedTo.join(', ')} now points at another origin`;
    try {
      this.box.decrypt(entry.encrypted_value!, { ...owner, key: entry.key });
      return { key: entry.key, encrypted_value: entry.encrypted_value! };
    } catch (error) {
      if (error instanceof UndecryptableSecret)
        return `${entry.key}: this encrypted_value was not issued for this ${owner.resourceType} and key; enter the value again`;
      throw error;
    }
  }
}

/** Keys of plain properties whose URL value now has another origin than before. */
function movedOrigins(properties: readonly ResolvedProperty[], previous: readonly DbConfigurationEntry[], next: readonly ConfigurationEntryInput[]): string[] {
  const moved: string[] = [];
  for (const property of properties) {
    if (property.secure) continue;
    const before = previous.find((e) => e.key === property.key && 'value' in e) as { value: string } | undefined;
    const after = next.find((e) => e.key === property.key)?.value;
    const beforeOrigin = before ? originOf(before.value) : null;
    if (beforeOrigin !== null && originOf(after ?? '') !== beforeOrigin) moved.push(property.key);
  }
  return moved;
}

function originOf(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'file:' ? 'file://' : url.origin;
  } catch {
    return null;
  }
}
