import { definePlugin, PLUGIN_API_VERSION, specProblems, type PluginSpec } from '../src';

function spec(): PluginSpec {
  return {
    id: 'static-list',
    displayName: 'Static version list',
    version: '1.0.0',
    capabilities: { batch: false },
    repository: { properties: [{ key: 'URL', displayName: 'List URL' }] },
    package: {
      properties: [
        { key: 'PREFIX', displayName: 'Version prefix', required: false, displayOrder: 2 },
        { key: 'NAME', displayName: 'Package name', displayOrder: 1 },
      ],
    },
    async validatePackage(_repo, pkg) {
      return pkg['NAME'] === 'forbidden' ? [{ key: 'NAME', message: 'NAME may not be forbidden' }] : [];
    },
    checkRepositoryConnection: async () => ({ ok: true, messages: [] }),
    checkPackageConnection: async () => ({ ok: true, messages: [] }),
    latestRevision: async () => ({ revision: null }),
    latestRevisionSince: async () => ({ revision: null }),
  };
}

type Change = (s: PluginSpec) => unknown;
/** A spec whose repository has these properties besides URL, and this fetchCredentials declaration. */
const withCredentials =
  (properties: PluginSpec['repository']['properties'], fetchCredentials: unknown): Change =>
  (s) => ({ ...s, repository: { properties: [...s.repository.properties, ...properties] }, fetchCredentials });
const changed =
  (fields: Record<string, unknown>): Change =>
  (s) => ({ ...s, ...fields });
const repositoryProperty =
  (property: Record<string, unknown>): Change =>
  (s) => ({ ...s, repository: { properties: [property] } });
const repositoryPropertiesOf =
  (properties: Record<string, unknown>[]): Change =>
  (s) => ({ ...s, repository: { properties } });
const addPackageProperty =
  (property: Record<string, unknown>): Change =>
  (s) => ({
    ...s,
    package: { properties: [...s.package.properties, property] },
  });

describe('specProblems', () => {
  it('finds nothing wrong with a valid spec or with the definition made from it', () => {
    expect(specProblems(spec())).toEqual([]);
    expect(specProblems(definePlugin(spec()))).toEqual([]);
  });

  it('finds nothing wrong with fetch credentials naming declared keys, secrets secure', () => {
    const properties = [
      { key: 'USER', displayName: 'User', required: false },
      { key: 'PASS', displayName: 'Password', required: false, secure: true, partOfIdentity: false },
      { key: 'TOKEN', displayName: 'Token', required: false, secure: true, partOfIdentity: false },
    ];
    const declared = withCredentials(properties, { urlKey: 'URL', basic: { username: 'USER', password: 'PASS' }, bearer: { token: 'TOKEN' } })(
      spec(),
    ) as PluginSpec;

    expect(specProblems(declared)).toEqual([]);
    expect(definePlugin(declared).fetchCredentials).toEqual({ urlKey: 'URL', basic: { username: 'USER', password: 'PASS' }, bearer: { token: 'TOKEN' } });
    expect(definePlugin(spec()).fetchCredentials).toBeNull();
  });

  it('finds nothing wrong with an environment of names and prefixes', () => {
    const withEnvironment = { ...spec(), environment: ['HOME', 'npm_config_*', 'NPM_TOKEN', 'PATHEXT'] };

    expect(specProblems(withEnvironment)).toEqual([]);
    expect(definePlugin(withEnvironment).environment).toEqual(['HOME', 'npm_config_*', 'NPM_TOKEN', 'PATHEXT']);
    expect(definePlugin(spec()).environment).toEqual([]);
  });

  it('finds nothing wrong with well-formed typed properties, resolved or not', () => {
    const typed = repositoryPropertiesOf([
      { key: 'ON', displayName: 'On', type: 'boolean', defaultValue: 'false' },
      { key: 'N', displayName: 'N', type: 'integer', enum: ['1', '-2'], defaultValue: '-2' },
      { key: 'C', displayName: 'C', type: 'string', enum: ['a', 'b'] },
    ]);

    expect(specProblems(typed(spec()))).toEqual([]);
    expect(specProblems(definePlugin(typed(spec()) as PluginSpec))).toEqual([]);
  });

  it.each([
    ['not an object', () => null, 'the definition must be an object'],
    ['an upper-case id', changed({ id: 'Static' }), 'id must match'],
    ['an empty displayName', changed({ displayName: ' ' }), 'displayName must be a non-empty string'],
    ['no version', changed({ version: undefined }), 'version must be a non-empty string'],
    ['no batch flag', changed({ capabilities: {} }), 'capabilities.batch must be true or false'],
    ['a missing operation', changed({ latestRevision: undefined }), 'latestRevision must be a function'],
    ['batch without its operation', changed({ capabilities: { batch: true } }), 'latestRevisionsSince must be a function'],
    ['a validator that is not a function', changed({ validateRepository: 'yes' }), 'validateRepository must be a function when given'],
    ['properties that are not a list', changed({ repository: {} }), 'repository.properties must be an array'],
    ['a lower-case key', repositoryProperty({ key: 'url', displayName: 'URL' }), 'repository.properties[0].key must match'],
    ['a key declared twice', addPackageProperty({ key: 'NAME', displayName: 'Again' }), "package.properties[2].key 'NAME' is declared twice"],
    ['a numeric default', repositoryProperty({ key: 'URL', displayName: 'URL', defaultValue: 1 }), 'defaultValue must be a string'],
    ['a flag given as a string', repositoryProperty({ key: 'URL', displayName: 'URL', required: 'false' }), 'required must be true or false'],
    [
      'a secure identity property',
      repositoryProperty({ key: 'PASSWORD', displayName: 'Password', secure: true }),
      'is secure, so it must not be part of identity',
    ],
    ['an unknown property type', repositoryProperty({ key: 'URL', displayName: 'URL', type: 'number' }), 'type must be one of: string, boolean, integer'],
    ['an empty enum', repositoryProperty({ key: 'URL', displayName: 'URL', enum: [] }), 'enum must be a non-empty array of strings'],
    ['an enum that is not a list', repositoryProperty({ key: 'URL', displayName: 'URL', enum: 'a,b' }), 'enum must be a non-empty array of strings'],
    ['an enum value listed twice', repositoryProperty({ key: 'URL', displayName: 'URL', enum: ['a', 'a'] }), "enum[1] 'a' is listed twice"],
    ['an empty enum value', repositoryProperty({ key: 'URL', displayName: 'URL', enum: ['a', ''] }), 'enum[1] must be a non-empty string'],
    [
      'an enum on a boolean',
      repositoryProperty({ key: 'ON', displayName: 'On', type: 'boolean', enum: ['true'] }),
      'enum is not allowed on a boolean property',
    ],
    [
      'a boolean default that is not true or false',
      repositoryProperty({ key: 'ON', displayName: 'On', type: 'boolean', defaultValue: 'yes' }),
      'defaultValue must be true or false',
    ],
    [
      'an integer default in words',
      repositoryProperty({ key: 'N', displayName: 'N', type: 'integer', defaultValue: 'ten' }),
      'defaultValue must be an integer',
    ],
    [
      'a default outside the enum',
      repositoryProperty({ key: 'C', displayName: 'C', enum: ['a', 'b'], defaultValue: 'c' }),
      'defaultValue must be one of: a, b',
    ],
    ['a setting without a default', changed({ settings: { MAX_BYTES: { type: 'integer' } } }), 'settings.MAX_BYTES needs a type'],
    ['a setting that is null', changed({ settings: { MAX_BYTES: null } }), 'settings.MAX_BYTES needs a type'],
    ['a lower-case setting key', changed({ settings: { max: { type: 'boolean', default: true, description: '' } } }), "settings key 'max' must match"],
    ['an environment that is not a list', changed({ environment: 'HOME' }), 'environment must be an array of variable names'],
    ['an environment entry that is no name', changed({ environment: ['HOME', 'npm config'] }), 'environment entry "npm config" must be a variable name'],
    ['a bare * in the environment', changed({ environment: ['*'] }), 'environment entry "*" must be a variable name'],
    [
      "Baton's own variables in the environment",
      changed({ environment: ['BATON_ADMIN_TOKEN'] }),
      "environment entry 'BATON_ADMIN_TOKEN' would pass Baton's own",
    ],
    ['a prefix covering them', changed({ environment: ['ba*'] }), "environment entry 'ba*' would pass Baton's own"],
    ["the database's URL", changed({ environment: ['DATABASE_URL'] }), "environment entry 'DATABASE_URL' would pass"],
    ["the database's variables", changed({ environment: ['PGPASSWORD'] }), "environment entry 'PGPASSWORD' would pass"],
    [
      'fetch credentials bound to an undeclared key',
      changed({ fetchCredentials: { urlKey: 'HOST', basic: { username: 'URL', password: 'URL' } } }),
      'fetchCredentials.urlKey must name a declared repository property',
    ],
    [
      'a fetch password that is not secure',
      withCredentials(
        [
          { key: 'USER', displayName: 'User' },
          { key: 'PASS', displayName: 'Password' },
        ],
        { urlKey: 'URL', basic: { username: 'USER', password: 'PASS' } },
      ),
      "fetchCredentials.basic.password names 'PASS', which must be a secure property",
    ],
    [
      'a fetch token that is not declared',
      withCredentials([], { urlKey: 'URL', bearer: { token: 'TOKEN' } }),
      'fetchCredentials.bearer.token must name a declared repository property',
    ],
    ['fetch credentials with no scheme', withCredentials([], { urlKey: 'URL' }), 'fetchCredentials needs basic, bearer or both'],
  ])('reports %s', (_case, change: Change, fragment) => {
    const problems = specProblems(change(spec()));

    expect(problems.join('\n')).toContain(fragment);
  });
});

describe('definePlugin', () => {
  it('throws a TypeError naming the plugin and its problems', () => {
    expect(() => definePlugin({ ...spec(), version: '' })).toThrow(/plugin 'static-list' is not well defined: version must be/);
  });

  it("fills in the API version, the settings and GoCD's property defaults, sorted by displayOrder", () => {
    const definition = definePlugin(spec());

    expect(definition.apiVersion).toBe(PLUGIN_API_VERSION);
    expect(definition.settings).toEqual({});
    expect(definition.package.properties.map((p) => p.key)).toEqual(['NAME', 'PREFIX']);
    expect(definition.repository.properties[0]).toMatchObject({ required: true, secure: false, partOfIdentity: true, defaultValue: null });
  });

  it("runs the generic validation before the plugin's own, without duplicates", async () => {
    const definition = definePlugin(spec());

    const missing = await definition.validatePackage({ URL: 'x' }, {});
    const forbidden = await definition.validatePackage({ URL: 'x' }, { NAME: 'forbidden', EXTRA: '1' });

    expect(missing.map((e) => e.key)).toEqual(['NAME']);
    expect(forbidden.map((e) => e.message)).toEqual(["Unknown key 'EXTRA'", 'NAME may not be forbidden']);
  });

  it('validates a repository with the generic checks when the plugin has none of its own', async () => {
    const errors = await definePlugin(spec()).validateRepository({ URL: '  ' });

    expect(errors).toEqual([{ key: 'URL', message: 'List URL (URL) is required' }]);
  });
});
