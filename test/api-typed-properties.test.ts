import { DATABASE_KINDS } from './support/databases';
import { startTestServer, type TestServer } from './support/test-server';

/** Boolean, integer and enumerated keys: listed with their type, refused by the host when a value does not fit. */
describe.each(DATABASE_KINDS)('typed configuration properties [%s]', (kind) => {
  let baton: TestServer;

  beforeAll(async () => {
    baton = await startTestServer(kind, { plugins: ['typed-keys'] });
  });

  afterAll(async () => {
    await baton?.destroy();
  });

  const create = (name: string, configuration: { key: string; value: string }[]) =>
    baton.api.post('/api/repositories', {
      name,
      plugin_id: 'typed-keys',
      configuration: [{ key: 'URL', value: 'https://registry.example.org/' }, ...configuration],
    });

  it('lists each property with its type and enum', async () => {
    const response = await baton.api.get('/api/plugins');

    expect(response.status).toBe(200);
    const plugin = response.body.plugins.find((p: { id: string }) => p.id === 'typed-keys');
    const shown = plugin.repository_configuration.map((p: { key: string; type: string; enum: string[] | null }) => [p.key, p.type, p.enum]);
    expect(shown).toEqual([
      ['URL', 'string', null],
      ['VERIFY', 'boolean', null],
      ['RETRIES', 'integer', null],
      ['CHANNEL', 'string', ['stable', 'testing']],
    ]);
  });

  it.each([
    ['a boolean that is not true or false', 'VERIFY', 'yes', 'VERIFY must be true or false'],
    ['an integer with a fraction', 'RETRIES', '2.5', 'RETRIES must be an integer'],
    ['an integer in words', 'RETRIES', 'three', 'RETRIES must be an integer'],
    ['a value outside the enum', 'CHANNEL', 'edge', 'CHANNEL must be one of: stable, testing'],
  ])('refuses %s with 422, naming the key and what is wanted', async (_case, key, value, message) => {
    const response = await create(`bad-${key.toLowerCase()}-${value.length}`, [{ key, value }]);

    expect(response.status).toBe(422);
    expect(response.body.errors[`configuration.${key}`]).toEqual([message]);
  });

  it('accepts values that fit, and hands them to the plugin as given', async () => {
    const values = [
      { key: 'VERIFY', value: 'false' },
      { key: 'RETRIES', value: '-3' },
      { key: 'CHANNEL', value: 'testing' },
    ];

    const created = await create('typed-good', values);
    const check = await baton.api.post(`/api/repositories/${created.body.id}/check-connection`);

    expect(created.status).toBe(201);
    expect(check.body.messages).toEqual(expect.arrayContaining(['VERIFY=false', 'RETRIES=-3', 'CHANNEL=testing']));
  });
});
