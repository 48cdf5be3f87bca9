import { KEY_PATTERN, resolveProperty, validateAgainstProperties, type ConfigurationProperty } from '../src';

const properties: ConfigurationProperty[] = [
  { key: 'URL', displayName: 'Repository URL' },
  { key: 'USERNAME', displayName: 'User name', required: false },
  { key: 'CHANNEL', displayName: 'Channel', defaultValue: 'stable' },
];

describe('validateAgainstProperties', () => {
  it.each([
    ['a complete configuration', { URL: 'https://repo.example.org/' }, []],
    ['a missing required key', {}, [{ key: 'URL', message: 'Repository URL (URL) is required' }]],
    ['a blank required value', { URL: '   ' }, [{ key: 'URL', message: 'Repository URL (URL) is required' }]],
    ['an undeclared key', { URL: 'https://repo.example.org/', TOKEN: 't' }, [{ key: 'TOKEN', message: "Unknown key 'TOKEN'" }]],
    ['an optional key left out', { URL: 'https://repo.example.org/', CHANNEL: '' }, []],
  ])('answers %s', (_case, configuration, expected) => {
    expect(validateAgainstProperties(properties, configuration)).toEqual(expected);
  });
});

describe('resolveProperty', () => {
  it.each([
    [
      { key: 'URL', displayName: 'URL' },
      { required: true, secure: false, partOfIdentity: true, displayOrder: 0, defaultValue: null, description: '' },
    ],
    [
      { key: 'PASSWORD', displayName: 'Password', required: false, secure: true, partOfIdentity: false },
      { required: false, secure: true, partOfIdentity: false },
    ],
    [
      { key: 'CHANNEL', displayName: 'Channel', defaultValue: 'stable', displayOrder: 3 },
      { defaultValue: 'stable', displayOrder: 3 },
    ],
  ])("fills in GoCD's defaults for %o", (property, expected) => {
    expect(resolveProperty(property)).toMatchObject(expected);
  });
});

describe('KEY_PATTERN', () => {
  it.each([
    ['REPO_URL', true],
    ['A1', true],
    ['repo_url', false],
    ['1URL', false],
    ['REPO-URL', false],
  ])('%s → %s', (key, matches) => {
    expect(KEY_PATTERN.test(key)).toBe(matches);
  });
});
