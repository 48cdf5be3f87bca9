import type { SettingDeclaration } from '@baton/plugin-api';
import { resolveSettings, settingVariable } from './plugin-settings';

const declarations: Record<string, SettingDeclaration> = {
  MAX_BYTES: { type: 'integer', default: 10, min: 1, max: 100, description: 'bytes' },
  MIRROR: { type: 'string', default: 'none', description: 'a mirror' },
  STRICT: { type: 'boolean', default: false, description: 'strictness' },
};

describe('plugin settings', () => {
  it('names the variable after the plugin id and the key', () => {
    expect(settingVariable('json-file', 'MAX_BYTES')).toBe('BATON_PLUGIN_JSON_FILE_MAX_BYTES');
  });

  it('uses defaults for unset or empty variables', () => {
    const settings = resolveSettings('yum', declarations, { BATON_PLUGIN_YUM_MIRROR: '  ' });

    expect(settings).toEqual({ MAX_BYTES: 10, MIRROR: 'none', STRICT: false });
  });

  it.each([
    ['BATON_PLUGIN_YUM_MAX_BYTES', '42', { MAX_BYTES: 42 }],
    ['BATON_PLUGIN_YUM_MIRROR', 'https://repo.example.org/', { MIRROR: 'https://repo.example.org/' }],
    ['BATON_PLUGIN_YUM_STRICT', 'TRUE', { STRICT: true }],
    ['BATON_PLUGIN_YUM_STRICT', '0', { STRICT: false }],
  ])('reads %s=%s', (variable, value, expected) => {
    expect(resolveSettings('yum', declarations, { [variable]: value })).toMatchObject(expected);
  });

  it.each([
    ['BATON_PLUGIN_YUM_MAX_BYTES', '1e3', "BATON_PLUGIN_YUM_MAX_BYTES must be an integer between 1 and 100, not '1e3'"],
    ['BATON_PLUGIN_YUM_MAX_BYTES', '101', "BATON_PLUGIN_YUM_MAX_BYTES must be an integer between 1 and 100, not '101'"],
    ['BATON_PLUGIN_YUM_STRICT', 'maybe', "BATON_PLUGIN_YUM_STRICT must be true or false, not 'maybe'"],
  ])('refuses %s=%s', (variable, value, message) => {
    expect(() => resolveSettings('yum', declarations, { [variable]: value })).toThrow(message);
  });
});
