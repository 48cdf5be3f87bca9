/**
 * What kind of value a property takes. Values always travel as strings; the type says which
 * strings are allowed (`'true'`/`'false'`, a decimal integer) and lets a UI pick its input.
 *
 * @example
 * ```ts
 * const kind: PropertyType = 'boolean';
 * ```
 */
export type PropertyType = 'string' | 'boolean' | 'integer';

/**
 * Every property type, in the order forms list them.
 *
 * @example
 * ```ts
 * PROPERTY_TYPES.includes('integer'); // true
 * ```
 */
export const PROPERTY_TYPES: readonly PropertyType[] = ['string', 'boolean', 'integer'];

/**
 * One configuration property of a repository or a package, with GoCD's attributes, its type and,
 * when only some values make sense, the list of them.
 *
 * @example
 * ```ts
 * const url: ConfigurationProperty = {
 *   key: 'REPO_URL',
 *   displayName: 'Repository URL',
 *   displayOrder: 0,
 *   description: 'Base URL of the repository: http, https or file.',
 * };
 * const password: ConfigurationProperty = {
 *   key: 'PASSWORD', displayName: 'Password', displayOrder: 2, required: false, secure: true, partOfIdentity: false,
 * };
 * const strict: ConfigurationProperty = {
 *   key: 'VERIFY_TLS', displayName: 'Verify TLS', type: 'boolean', defaultValue: 'true', required: false,
 * };
 * const channel: ConfigurationProperty = { key: 'CHANNEL', displayName: 'Channel', enum: ['stable', 'testing'], defaultValue: 'stable' };
 * ```
 */
export interface ConfigurationProperty {
  /** Upper-case key, `[A-Z][A-Z0-9_]*`, as users know it (`REPO_URL`, `PACKAGE_SPEC`). */
  key: string;
  /** Label shown to people. */
  displayName: string;
  /** Position in forms and listings, smallest first. Default 0. */
  displayOrder?: number;
  /** Value used when none is given. */
  defaultValue?: string;
  /** A value must be given (or have a default). Default true. */
  required?: boolean;
  /** Stored encrypted, never shown again, masked in logs. Default false. */
  secure?: boolean;
  /** Part of what makes two packages the same package (the fingerprint). Default true. */
  partOfIdentity?: boolean;
  /** What the property means and what values it takes. */
  description?: string;
  /** The kind of value: `string` (any text), `boolean` (`true` or `false`), `integer` (decimal). Default `string`. */
  type?: PropertyType;
  /** The only values allowed, each valid for `type` (not for booleans). Default: any value of the type. */
  enum?: readonly string[];
}

/**
 * A property with every attribute filled in with its default.
 *
 * @example
 * ```ts
 * const full: ResolvedProperty = resolveProperty({ key: 'REPO_URL', displayName: 'Repository URL' });
 * full.required; // true
 * full.type; // 'string'
 * ```
 */
export type ResolvedProperty = Required<Omit<ConfigurationProperty, 'defaultValue' | 'enum'>> & {
  defaultValue: string | null;
  enum: string[] | null;
};

/**
 * Fills in GoCD's defaults: required and part of identity unless said otherwise, not secure.
 *
 * @example
 * ```ts
 * resolveProperty({ key: 'USERNAME', displayName: 'User name', required: false }).partOfIdentity; // true
 * ```
 */
export function resolveProperty(property: ConfigurationProperty | ResolvedProperty): ResolvedProperty {
  return {
    key: property.key,
    displayName: property.displayName,
    displayOrder: property.displayOrder ?? 0,
    defaultValue: property.defaultValue ?? null,
    required: property.required ?? true,
    secure: property.secure ?? false,
    partOfIdentity: property.partOfIdentity ?? true,
    description: property.description ?? '',
    type: property.type ?? 'string',
    enum: property.enum ? [...property.enum] : null,
  };
}

const INTEGER = /^-?[0-9]+$/;

/**
 * What is wrong with a value for a property, as the end of a sentence that names the key
 * (`must be true or false`), or `null` when the value fits its type and enum. An empty value is
 * "not given" and is judged by `required`, not here.
 *
 * @example
 * ```ts
 * valueProblem({ key: 'VERIFY_TLS', displayName: 'Verify TLS', type: 'boolean' }, 'yes'); // 'must be true or false'
 * valueProblem({ key: 'CHANNEL', displayName: 'Channel', enum: ['stable', 'testing'] }, 'edge'); // 'must be one of: stable, testing'
 * valueProblem({ key: 'RETRIES', displayName: 'Retries', type: 'integer' }, '3'); // null
 * ```
 */
export function valueProblem(property: ConfigurationProperty | ResolvedProperty, value: string): string | null {
  if (value === '') return null;
  const type = property.type ?? 'string';
  if (type === 'boolean' && value !== 'true' && value !== 'false') return 'must be true or false';
  if (type === 'integer' && !(INTEGER.test(value) && Number.isSafeInteger(Number(value)))) return 'must be an integer';
  const allowed = property.enum;
  if (allowed && !allowed.includes(value)) return `must be one of: ${allowed.join(', ')}`;
  return null;
}

/**
 * Configuration values by key as the plugin receives them: defaults applied, secure values
 * decrypted, keys the user left empty absent.
 *
 * @example
 * ```ts
 * const repo: Configuration = { REPO_URL: 'https://repo.example.org/el9/' };
 * ```
 */
export type Configuration = Readonly<Record<string, string>>;

/**
 * One validation failure: the key it concerns (or `''` for the configuration as a whole) and a
 * message that says what is wanted.
 *
 * @example
 * ```ts
 * const problem: ValidationError = { key: 'REPO_URL', message: 'Repository url not specified' };
 * ```
 */
export interface ValidationError {
  key: string;
  message: string;
}

/**
 * Keys of configuration properties and of revision data.
 *
 * @example
 * ```ts
 * KEY_PATTERN.test('REPO_URL'); // true
 * KEY_PATTERN.test('repoUrl');  // false
 * ```
 */
export const KEY_PATTERN = /^[A-Z][A-Z0-9_]*$/;

/**
 * The generic part of validation, which every plugin gets from {@link definePlugin}: every key
 * is declared, every required property has a value, every value fits its property's type and enum.
 *
 * @example
 * ```ts
 * validateAgainstProperties([{ key: 'REPO_URL', displayName: 'Repository URL' }], {});
 * // [{ key: 'REPO_URL', message: 'Repository URL (REPO_URL) is required' }]
 * ```
 */
export function validateAgainstProperties(properties: readonly (ConfigurationProperty | ResolvedProperty)[], configuration: Configuration): ValidationError[] {
  const errors: ValidationError[] = [];
  const declared = new Map(properties.map((p) => [p.key, resolveProperty(p)]));
  for (const key of Object.keys(configuration)) {
    if (!declared.has(key)) errors.push({ key, message: `Unknown key '${key}'` });
  }
  for (const property of declared.values()) {
    const value = configuration[property.key];
    const missing = value === undefined || value.trim() === '';
    if (property.required && missing && property.defaultValue === null) {
      errors.push({ key: property.key, message: `${property.displayName} (${property.key}) is required` });
    }
    const problem = value === undefined ? null : valueProblem(property, value);
    if (problem !== null) errors.push({ key: property.key, message: `${property.displayName} (${property.key}) ${problem}` });
  }
  return errors;
}
