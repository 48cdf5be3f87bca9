import { TOKENS } from '../server/src/injection-tokens';
import type { Database } from '../server/src/db/database';
import { packageFingerprint } from '../server/src/materials/fingerprint';
import type { PluginHost } from '../server/src/plugins/plugin-host';
import { DATABASE_KINDS } from './support/databases';
import { startTestServer, type TestServer } from './support/test-server';

/**
 * A package's identity is computed from its repository's configuration. When the repository and
 * its packages change at the same moment, every stored fingerprint must still match the
 * configurations as they ended up — or the request must be refused.
 */
describe.each(DATABASE_KINDS)('package identity under concurrent changes [%s]', (kind) => {
  let baton: TestServer;

  beforeAll(async () => {
    baton = await startTestServer(kind);
  });

  afterAll(async () => {
    await baton?.destroy();
  });

  it('keeps every fingerprint true to the stored configurations', async () => {
    const urls = ['https://repo.example.org/a/packages.json', 'https://repo.example.org/b/packages.json'];
    const repository = await baton.api.post('/api/repositories', { name: 'moving', plugin_id: 'json-file', configuration: [{ key: 'URL', value: urls[0] }] });
    const id = repository.body.id as string;
    const statuses: number[] = [];

    for (let round = 0; round < 12; round += 1) {
      const current = await baton.api.get(`/api/repositories/${id}`);
      const move = baton.api.put(
        `/api/repositories/${id}`,
        { name: 'moving', plugin_id: 'json-file', configuration: [{ key: 'URL', value: urls[(round + 1) % 2] }] },
        { headers: { 'if-match': current.headers.get('etag')! } },
      );
      const create = baton.api.post('/api/packages', {
        name: `p${round}`,
        repository_id: id,
        configuration: [{ key: 'NAME', value: `p${round}` }],
        auto_update: false,
      });
      statuses.push(...(await Promise.all([move, create])).map((r) => r.status));
      // A refused creation is sent again, as the answer asks; it must then land with a true identity.
      if (statuses.at(-1) === 409) {
        const retried = await baton.api.post('/api/packages', {
          name: `p${round}`,
          repository_id: id,
          configuration: [{ key: 'NAME', value: `p${round}` }],
          auto_update: false,
        });
        statuses.push(retried.status);
      }
    }

    const db = baton.server.dependencies.resolve<Database>(TOKENS.database);
    const plugin = baton.server.dependencies.resolve<PluginHost>(TOKENS.pluginHost).plugin('json-file')!;
    const finalUrl = ((await baton.api.get(`/api/repositories/${id}`)).body.configuration as { key: string; value: string }[])[0].value;
    const rows = (await db.knex('packages').where({ repository_id: id })) as { fingerprint: string; configuration: { key: string; value: string }[] }[];
    const expected = rows.map((row) =>
      packageFingerprint(
        'json-file',
        { properties: plugin.repositoryProperties, values: { URL: finalUrl } },
        { properties: plugin.packageProperties, values: { NAME: row.configuration[0].value } },
      ),
    );

    expect(statuses.every((s) => [200, 201, 409].includes(s))).toBe(true);
    expect(rows.length).toBe(12);
    expect(rows.map((r) => r.fingerprint)).toEqual(expected);
  });
});
