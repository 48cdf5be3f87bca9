import { KEY_PATTERN, resolveProperty, validateAgainstProperties, valueProblem, type ConfigurationProperty } from '../src';

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

const typed: ConfigurationProperty[] = [
  { key: 'VERIFY', displayName: 'Verify', type: 'boolean', required: false },
  { key: 'RETRIES', displayName: 'Retries', type: 'integer', required: false },
  { key: 'CHANNEL', displayName: 'Channel', enum: ['stable', 'testing'], required: false },
];

describe('validateAgainstProperties with typed properties', () => {
  it.each([
    ['values that fit', { VERIFY: 'true', RETRIES: '-12', CHANNEL: 'testing' }, []],
    ['empty values, which are judged as not given', { VERIFY: '', RETRIES: '', CHANNEL: '' }, []],
    ['a boolean in other words', { VERIFY: 'yes' }, [{ key: 'VERIFY', message: 'Verify (VERIFY) must be true or false' }]],
    ['a boolean in capitals', { VERIFY: 'TRUE' }, [{ key: 'VERIFY', message: 'Verify (VERIFY) must be true or false' }]],
    ['an integer with a fraction', { RETRIES: '1.5' }, [{ key: 'RETRIES', message: 'Retries (RETRIES) must be an integer' }]],
    ['an integer with spaces', { RETRIES: ' 3' }, [{ key: 'RETRIES', message: 'Retries (RETRIES) must be an integer' }]],
    ['an integer too large to be exact', { RETRIES: '9007199254740993' }, [{ key: 'RETRIES', message: 'Retries (RETRIES) must be an integer' }]],
    ['a value outside the enum', { CHANNEL: 'edge' }, [{ key: 'CHANNEL', message: 'Channel (CHANNEL) must be one of: stable, testing' }]],
  ])('answers %s', (_case, configuration, expected) => {
    expect(validateAgainstProperties(typed, configuration)).toEqual(expected);
  });
});

describe('valueProblem', () => {
  it.each([
    ['string', undefined, 'anything at all', null],
    ['boolean', undefined, 'false', null],
    ['boolean', undefined, '1', 'must be true or false'],
    ['integer', undefined, '0', null],
    ['integer', undefined, '1e3', 'must be an integer'],
    ['integer', ['1', '2'], '3', 'must be one of: 1, 2'],
    ['string', ['a'], 'a', null],
  ] as const)('judges a %s property (enum %p) given %p', (type, allowed, value, expected) => {
    expect(valueProblem({ key: 'K', displayName: 'K', type, enum: allowed }, value)).toBe(expected);
  });
});

describe('resolveProperty', () => {
  it.each([
    [
      { key: 'URL', displayName: 'URL' },
      { required: true, secure: false, partOfIdentity: true, displayOrder: 0, defaultValue: null, description: '', type: 'string', enum: null },
    ],
    [
      { key: 'PASSWORD', displayName: 'Password', required: false, secure: true, partOfIdentity: false },
      { required: false, secure: true, partOfIdentity: false },
    ],
    [
      { key: 'CHANNEL', displayName: 'Channel', defaultValue: 'stable', displayOrder: 3 },
      { defaultValue: 'stable', displayOrder: 3 },
    ],
    [
      { key: 'MODE', displayName: 'Mode', type: 'integer' as const, enum: ['1', '2'] },
      { type: 'integer', enum: ['1', '2'] },
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
