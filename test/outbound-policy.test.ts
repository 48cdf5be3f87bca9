import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { HttpTask } from '../server/src/agents/task-definition';
import { OutboundPolicy } from '../server/src/security/outbound-policy';
import { ScratchFolders, fileUrl } from '../plugins/yum/test/support/repositories';
import { startFixtureServer, type FixtureServer } from '@baton/plugin-kit/testing';
import { AgentHarness, oneJobPipeline, packageRevision } from './support/agent-harness';
import { DATABASE_KINDS } from './support/databases';
import { LoopbackServers } from './support/loopback-servers';
import { startTestServer, type TestServer } from './support/test-server';
import { TEST_ADMIN, WebhookHarness } from './support/webhook-harness';

// 127.0.0.2 is on the loopback interface too (Linux routes all of 127.0.0.0/8 there): the tests
// deny it, and a server listening there counts what reaches it, which must be nothing.
const DENIED_ADDRESS = '127.0.0.2';
const DENY = `${DENIED_ADDRESS}/32`;

/** A server on the denied address that records every request it receives. */
class DeniedServer {
  readonly requests: string[] = [];
  private readonly server = http.createServer((req, res) => {
    this.requests.push(`${req.method} ${req.url}`);
    res.end('reached');
  });
  origin = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, DENIED_ADDRESS, resolve));
    this.origin = `http://${DENIED_ADDRESS}:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe.each(DATABASE_KINDS)('outbound policy for repositories [%s]', (kind) => {
  const folders = new ScratchFolders();
  const servers = new LoopbackServers();
  let denied: DeniedServer;
  let baton: TestServer;
  let local: string;
  let served: FixtureServer;

  beforeAll(async () => {
    denied = await new DeniedServer().start();
    local = folders.copy('scrt-yum');
    // An http repository whose repomd.xml points its primary at the same files on local disk.
    const remote = folders.copy('scrt-yum');
    const repomd = path.join(remote, 'repodata', 'repomd.xml');
    fs.writeFileSync(
      repomd,
      fs.readFileSync(repomd, 'utf8').replace(/<location href="(repodata\/[0-9a-f]+-primary\.xml\.gz)"/, `<location xml:base="${fileUrl(local)}" href="$1"`),
    );
    served = await startFixtureServer(remote);
    baton = await startTestServer(kind, { plugins: [], env: { BATON_OUTBOUND_DENY: DENY, BATON_FILE_REPO_ROOTS: local } });
  });

  afterAll(async () => {
    await baton?.destroy();
    await served?.close();
    await denied?.close();
    await servers.closeAll();
    folders.remove();
  });

  const checkRepository = (url: string) =>
    baton.api.post('/api/repositories/check-connection', { plugin_id: 'yum', configuration: [{ key: 'REPO_URL', value: url }] });

  it('refuses a repository URL at a denied address, naming BATON_OUTBOUND_DENY, and sends it nothing', async () => {
    const checked = await checkRepository(`${denied.origin}/el9/`);

    expect(checked.body.ok).toBe(false);
    expect(checked.body.messages.join(' ')).toMatch(/127\.0\.0\.2.*BATON_OUTBOUND_DENY/);
    expect(denied.requests).toEqual([]);
  });

  it('refuses a redirect from an allowed repository to a denied address', async () => {
    const mirror = await servers.serve((req, res) => res.writeHead(302, { location: `${denied.origin}${req.url}` }).end());

    const checked = await checkRepository(`${mirror}/el9/`);

    expect(checked.body.ok).toBe(false);
    expect(checked.body.messages.join(' ')).toMatch(/127\.0\.0\.2.*BATON_OUTBOUND_DENY/);
    expect(denied.requests).toEqual([]);
  });

  it('fails the poll of an http repository whose metadata points to a file: URL, even under the allowed roots', async () => {
    const repo = await baton.api.post('/api/repositories', {
      name: 'points-to-files',
      plugin_id: 'yum',
      configuration: [{ key: 'REPO_URL', value: served.url }],
    });
    const pkg = await baton.api.post('/api/packages', {
      name: 'scrt',
      repository_id: repo.body.id,
      configuration: [{ key: 'PACKAGE_SPEC', value: 'scrt.x86_64' }],
      auto_update: false,
    });

    const polled = await baton.api.post(`/api/packages/${pkg.body.id}/poll?wait=120`);

    expect(polled.body).toMatchObject({ outcome: 'failed', error: { kind: 'permanent', code: 'file_not_allowed' } });
    expect(polled.body.error.message).toContain('only a repository whose own URL is a file: URL may read file: URLs');
  });
});

describe.each(DATABASE_KINDS)('outbound policy for http tasks and package downloads [%s]', (kind) => {
  const servers = new LoopbackServers();
  let denied: DeniedServer;
  let harness: AgentHarness;
  let ids: { repositoryId: string; packageId: string };

  beforeAll(async () => {
    denied = await new DeniedServer().start();
    harness = await AgentHarness.open(kind);
    const repositoryId = await harness.addRepository('epel', { plain: { REPO_URL: 'http://127.0.0.1:9/el9' } });
    ids = { repositoryId, packageId: await harness.addPackage(repositoryId, 'app', {}) };
    const outbound = new OutboundPolicy({ deny: [DENY], allow: [] });
    harness.agent(await harness.queue(), { tasks: { fileRoots: [], killGraceMs: 1000, userAgent: 'baton-test', outbound } });
  });

  afterAll(async () => {
    await harness?.close();
    await denied?.close();
    await servers.closeAll();
  });

  it('fails an http task whose URL is at a denied address, naming BATON_OUTBOUND_DENY, and sends it nothing', async () => {
    const task: HttpTask = { http: { method: 'POST', url: `${denied.origin}/promote`, body: '{"level":"qa"}' } };
    const run = await harness.startRun(oneJobPipeline('http-denied', [task]), [packageRevision('app', ids, '1.0.0', {})]);

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    expect(job.state).toBe('failed');
    expect(job.result).toMatch(/127\.0\.0\.2.*BATON_OUTBOUND_DENY/);
    expect(denied.requests).toEqual([]);
  });

  it('fails a fetch_package whose LOCATION redirects to a denied address', async () => {
    const mirror = await servers.serve((_req, res) => res.writeHead(302, { location: `${denied.origin}/app.rpm` }).end());
    const fetch = oneJobPipeline('fetch-denied', [{ fetch_package: { material: 'app', destination: 'pkg' } }]);
    const run = await harness.startRun(fetch, [packageRevision('app', ids, '1.0.0', { LOCATION: `${mirror}/el9/app.rpm` })]);

    const job = await harness.waitForJob(run.id, 'qa', 'smoke');

    expect(job.state).toBe('failed');
    expect(job.result).toMatch(/127\.0\.0\.2.*BATON_OUTBOUND_DENY/);
    expect(denied.requests).toEqual([]);
  });
});

describe.each(DATABASE_KINDS)('outbound policy for webhooks [%s]', (kind) => {
  let denied: DeniedServer;
  let harness: WebhookHarness;

  beforeAll(async () => {
    denied = await new DeniedServer().start();
    harness = await WebhookHarness.start(kind);
    await harness.dispatcher({ outbound: new OutboundPolicy({ deny: [DENY], allow: [] }) });
  });

  afterAll(async () => {
    await harness?.close();
    await denied?.close();
  });

  it('fails a delivery to a denied address with a message naming BATON_OUTBOUND_DENY, sending nothing', async () => {
    const webhook = await harness.service.create(
      { url: `${denied.origin}/hooks`, event_types: [], secret: 'delivery-secret-0123456789', enabled: true },
      TEST_ADMIN,
    );

    await harness.emit('package.revision.detected');
    await harness.waitForAttempts(webhook.id, (attempts) => attempts.length > 0, 'a delivery attempt');

    const attempts = await harness.service.deliveriesOf(webhook.id, { limit: 10, cursor: null });
    expect(attempts.items[0]).toMatchObject({ status: 'failed', response_status: null });
    expect(attempts.items[0]?.error).toMatch(/127\.0\.0\.2.*BATON_OUTBOUND_DENY/);
    expect(denied.requests).toEqual([]);
  });
});
