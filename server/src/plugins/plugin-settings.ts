import type { SettingDeclaration, SettingValue } from '@baton/plugin-api';

/** The environment variable of a plugin setting: `BATON_PLUGIN_<ID>_<KEY>`, `-` in the id as `_`. */
export function settingVariable(pluginId: string, key: string): string {
  return `BATON_PLUGIN_${pluginId.toUpperCase().replace(/-/g, '_')}_${key}`;
}

/**
 * The plugin's settings from the environment, defaults where a variable is unset or empty.
 * Throws an error naming the variable when a value does not fit its declaration.
 */
export function resolveSettings(
  pluginId: string,
  declarations: Record<string, SettingDeclaration>,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, SettingValue> {
  const settings: Record<string, SettingValue> = {};
  for (const [key, declaration] of Object.entries(declarations)) {
    const variable = settingVariable(pluginId, key);
    const raw = env[variable]?.trim();
    settings[key] = raw === undefined || raw === '' ? declaration.default : parseSetting(variable, raw, declaration);
  }
  return settings;
}

function parseSetting(variable: string, raw: string, declaration: SettingDeclaration): SettingValue {
  if (declaration.type === 'string') return raw;
  if (declaration.type === 'boolean') {
    if (/^(true|1|yes)$/i.test(raw)) return true;
    if (/^(false|0|no)$/i.test(raw)) return false;
    throw new Error(`${variable} must be true or false, not '${raw}'`);
  }
  const value = /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  const min = declaration.min ?? Number.MIN_SAFE_INTEGER;
  const max = declaration.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`${variable} must be an integer${rangeText(declaration.min, declaration.max)}, not '${raw}'`);
  }
  return value;
}

function rangeText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  return max !== undefined ? ` of at most ${max}` : '';
}
