import { KEY_PATTERN, PROPERTY_TYPES, valueProblem, type ConfigurationProperty } from './configuration';
import type { Capabilities, PluginSpec, SettingDeclaration } from './define-plugin';

const ID_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Every reason a spec is not a valid plugin, empty when it is. Used by the host and the
 * conformance kit; it never throws, whatever it is given.
 *
 * @example
 * ```ts
 * specProblems({ ...spec, id: 'Static List' }); // ['id must match /^[a-z][a-z0-9-]{0,62}$/']
 * ```
 */
export function specProblems(spec: unknown): string[] {
  if (typeof spec !== 'object' || spec === null) return ['the definition must be an object'];
  const s = spec as Partial<Record<keyof PluginSpec, unknown>>;
  const problems: string[] = [];
  if (typeof s.id !== 'string' || !ID_PATTERN.test(s.id)) problems.push(`id must match ${ID_PATTERN}`);
  if (typeof s.displayName !== 'string' || s.displayName.trim() === '') problems.push('displayName must be a non-empty string');
  if (typeof s.version !== 'string' || s.version.trim() === '') problems.push('version must be a non-empty string');
  const batch = (s.capabilities as Capabilities | undefined)?.batch;
  if (typeof batch !== 'boolean') problems.push('capabilities.batch must be true or false');
  for (const op of ['checkRepositoryConnection', 'checkPackageConnection', 'latestRevision', 'latestRevisionSince'] as const) {
    if (typeof s[op] !== 'function') problems.push(`${op} must be a function`);
  }
  if (batch === true && typeof s.latestRevisionsSince !== 'function') {
    problems.push('capabilities.batch is true, so latestRevisionsSince must be a function');
  }
  for (const op of ['validateRepository', 'validatePackage', 'latestRevisionsSince'] as const) {
    if (s[op] !== undefined && typeof s[op] !== 'function') problems.push(`${op} must be a function when given`);
  }
  problems.push(...propertyProblems('repository', s.repository), ...propertyProblems('package', s.package));
  problems.push(...settingProblems(s.settings), ...environmentProblems(s.environment), ...fetchCredentialProblems(s.fetchCredentials, s.repository));
  return problems;
}

const ENVIRONMENT_ENTRY = /^[A-Za-z_][A-Za-z0-9_]*\*?$/;

/**
 * Whether an environment entry (a name, or a prefix ending in `*`) could pass a variable of
 * Baton's own or of its database's, which no plugin may receive.
 *
 * @example
 * ```ts
 * coversReservedVariable('B*'); // true: it would pass BATON_*
 * coversReservedVariable('npm_config_*'); // false
 * ```
 */
export function coversReservedVariable(entry: string): boolean {
  const upper = entry.toUpperCase();
  if (!upper.endsWith('*')) return RESERVED_NAMES.has(upper) || RESERVED_PREFIXES.some((prefix) => upper.startsWith(prefix));
  const stem = upper.slice(0, -1);
  return [...RESERVED_NAMES, ...RESERVED_PREFIXES].some((reserved) => reserved.startsWith(stem) || stem.startsWith(reserved));
}

const RESERVED_NAMES = new Set(['DATABASE_URL', 'TEST_DATABASE_URL']);
const RESERVED_PREFIXES = ['BATON_', 'PG'];

function environmentProblems(environment: unknown): string[] {
  if (environment === undefined) return [];
  if (!Array.isArray(environment)) return ['environment must be an array of variable names'];
  const problems: string[] = [];
  for (const entry of environment as unknown[]) {
    if (typeof entry !== 'string' || !ENVIRONMENT_ENTRY.test(entry)) {
      problems.push(`environment entry ${JSON.stringify(entry)} must be a variable name, or a prefix of one ending in *`);
    } else if (coversReservedVariable(entry)) {
      problems.push(`environment entry '${entry}' would pass Baton's own or its database's variables (BATON_*, DATABASE_URL, PG*), which no plugin receives`);
    }
  }
  return problems;
}

function propertyProblems(scope: string, section: unknown): string[] {
  const properties = (section as { properties?: unknown } | undefined)?.properties;
  if (!Array.isArray(properties)) return [`${scope}.properties must be an array`];
  const problems: string[] = [];
  const keys = new Set<string>();
  for (const [index, property] of properties.entries()) {
    const p = (property ?? {}) as Partial<ConfigurationProperty>;
    const where = `${scope}.properties[${index}]`;
    if (typeof p.key !== 'string' || !KEY_PATTERN.test(p.key)) problems.push(`${where}.key must match [A-Z][A-Z0-9_]*`);
    else if (keys.has(p.key)) problems.push(`${where}.key '${p.key}' is declared twice`);
    else keys.add(p.key);
    problems.push(...attributeProblems(where, p));
  }
  return problems;
}

function attributeProblems(where: string, p: Partial<ConfigurationProperty>): string[] {
  const problems: string[] = [];
  if (typeof p.displayName !== 'string' || p.displayName.trim() === '') problems.push(`${where}.displayName must be a non-empty string`);
  // A resolved property (as in a definition) says "no default" with null.
  const defaultValue: unknown = p.defaultValue;
  if (defaultValue !== undefined && defaultValue !== null && typeof defaultValue !== 'string') {
    problems.push(`${where}.defaultValue must be a string`);
  }
  // A string 'false' would read as true once resolved, so flags must really be booleans.
  for (const flag of ['required', 'secure', 'partOfIdentity'] as const) {
    if (p[flag] !== undefined && typeof p[flag] !== 'boolean') problems.push(`${where}.${flag} must be true or false`);
  }
  if (p.displayOrder !== undefined && !Number.isFinite(p.displayOrder)) problems.push(`${where}.displayOrder must be a number`);
  if (p.secure === true && p.partOfIdentity !== false) problems.push(`${where} is secure, so it must not be part of identity`);
  return [...problems, ...typeProblems(where, p)];
}

/** The type and enum are what forms and the host's checks are built from, so they must agree with each other and with the default. */
function typeProblems(where: string, p: Partial<ConfigurationProperty>): string[] {
  if (p.type !== undefined && !PROPERTY_TYPES.includes(p.type)) return [`${where}.type must be one of: ${PROPERTY_TYPES.join(', ')}`];
  const type = p.type ?? 'string';
  const values: unknown = p.enum;
  const problems: string[] = [];
  if (values !== undefined && values !== null) {
    if (type === 'boolean') problems.push(`${where}.enum is not allowed on a boolean property`);
    else if (!Array.isArray(values) || values.length === 0) problems.push(`${where}.enum must be a non-empty array of strings`);
    else problems.push(...enumProblems(where, type, values));
  }
  if (typeof p.defaultValue === 'string' && problems.length === 0) {
    const problem = valueProblem(
      { key: 'DEFAULT', displayName: 'default', type, enum: Array.isArray(values) ? (values as string[]) : undefined },
      p.defaultValue,
    );
    if (problem !== null) problems.push(`${where}.defaultValue ${problem}`);
  }
  return problems;
}

function enumProblems(where: string, type: 'string' | 'integer', values: unknown[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [index, value] of values.entries()) {
    if (typeof value !== 'string' || value === '') problems.push(`${where}.enum[${index}] must be a non-empty string`);
    else if (seen.has(value)) problems.push(`${where}.enum[${index}] '${value}' is listed twice`);
    else if (type === 'integer' && valueProblem({ key: 'ENUM', displayName: 'enum', type }, value) !== null) {
      problems.push(`${where}.enum[${index}] '${value}' must be an integer, as the property's type says`);
    }
    seen.add(String(value));
  }
  return problems;
}

function settingProblems(settings: unknown): string[] {
  if (settings === undefined) return [];
  if (typeof settings !== 'object' || settings === null) return ['settings must be an object'];
  const problems: string[] = [];
  for (const [key, declaration] of Object.entries(settings)) {
    const d = (declaration ?? {}) as Partial<SettingDeclaration>;
    if (!KEY_PATTERN.test(key)) problems.push(`settings key '${key}' must match [A-Z][A-Z0-9_]*`);
    const typeOk =
      (d.type === 'integer' && Number.isInteger(d.default)) ||
      (d.type === 'string' && typeof d.default === 'string') ||
      (d.type === 'boolean' && typeof d.default === 'boolean');
    if (!typeOk) problems.push(`settings.${key} needs a type (integer, string or boolean) and a default of that type`);
  }
  return problems;
}

/** A `fetchCredentials` declaration names declared repository keys, and its secrets are secure ones. */
function fetchCredentialProblems(declaration: unknown, repository: unknown): string[] {
  if (declaration === undefined || declaration === null) return [];
  if (typeof declaration !== 'object') return ['fetchCredentials must be an object'];
  const properties = (repository as { properties?: unknown } | undefined)?.properties;
  const declared = new Map<string, boolean>();
  if (Array.isArray(properties)) {
    for (const property of properties as { key?: unknown; secure?: unknown }[]) {
      if (typeof property?.key === 'string') declared.set(property.key, property.secure === true);
    }
  }
  const { urlKey, basic, bearer } = declaration as { urlKey?: unknown; basic?: { username?: unknown; password?: unknown }; bearer?: { token?: unknown } };
  const keys: [string, unknown, boolean][] = [['fetchCredentials.urlKey', urlKey, false]];
  if (basic !== undefined) keys.push(['fetchCredentials.basic.username', basic?.username, false], ['fetchCredentials.basic.password', basic?.password, true]);
  if (bearer !== undefined) keys.push(['fetchCredentials.bearer.token', bearer?.token, true]);
  const problems: string[] = [];
  for (const [field, key, secret] of keys) {
    if (typeof key !== 'string' || !declared.has(key)) problems.push(`${field} must name a declared repository property`);
    else if (secret && !declared.get(key)) problems.push(`${field} names '${key}', which must be a secure property`);
  }
  if (basic === undefined && bearer === undefined) problems.push('fetchCredentials needs basic, bearer or both');
  return problems;
}
