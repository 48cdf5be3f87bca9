import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Database } from '../server/src/db/database';
import { buildApp } from '../server/src/http/app';
import { buildOpenApiDocument, type OpenApiDocument } from '../server/src/http/openapi';
import { OpenApiValidator } from '../server/src/http/openapi-validator';
import { healthRoutes } from '../server/src/http/routes/health';
import { metricsRoutes } from '../server/src/http/routes/metrics';
import { createLogger } from '../server/src/logger';
import { Metrics } from '../server/src/metrics/metrics';
import { AuditStore } from '../server/src/security/audit-store';
import { SignInSessions } from '../server/src/security/sign-in-sessions';
import { TokenService } from '../server/src/security/token-service';
import { ApiClient } from './support/api-client';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from './support/databases';

describe.each(DATABASE_KINDS)('GET /metrics [%s]', (kind) => {
  const metrics = new Metrics();
  let database: TestDatabase;
  let db: Database;
  let server: http.Server;
  let viewer: ApiClient;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    db = await database.open();
    const tokens = new TokenService(db, new AuditStore(db));
    let document: OpenApiDocument | null = null;
    const routes = [...healthRoutes({ check: async () => ({ ready: true, reason: '' }) }, () => document!), ...metricsRoutes(metrics)];
    document = buildOpenApiDocument(routes, 'test');
    const app = buildApp({
      routes,
      validator: new OpenApiValidator(document),
      tokens,
      signIns: new SignInSessions(db, tokens, { maxAgeSeconds: 3600 }),
      logger: createLogger('silent'),
      bodyLimitBytes: 1024 * 1024,
      trustProxy: false,
      isShuttingDown: () => false,
    });
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const created = await tokens.create({ name: 'scraper', role: 'viewer' }, { tokenId: '', name: 'system', role: 'admin' });
    viewer = await ApiClient.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, created.token);
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await db?.close();
    await database?.drop();
  });

  it('answers 401 without a token', async () => {
    const response = await viewer.get('/metrics', { token: null });

    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('answers the counts in Prometheus text format to a viewer', async () => {
    metrics.pollFinished('json-file', 'new_revision', 0.25);
    metrics.revisionsDetected('json-file', 4);
    metrics.leasesHeld(2);

    const response = await viewer.get('/metrics');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.body).toMatch(/^baton_polls_total\{plugin="json-file",outcome="new_revision"\} 1$/m);
    expect(response.body).toMatch(/^baton_revisions_detected_total\{plugin="json-file"\} 4$/m);
    expect(response.body).toMatch(/^baton_leases_held 2$/m);
    expect(response.body).toMatch(/^baton_webhook_deliveries_total\{outcome="failed"\} 0$/m);
  });

  it('is described in the OpenAPI document as text for viewers', async () => {
    const response = await viewer.get('/api/openapi.json');

    const operation = response.body.paths['/metrics'].get;
    expect(operation.security).toEqual([{ bearer: [] }, { session: [] }]);
    expect(operation.responses['200'].content).toEqual({ 'text/plain': { schema: { type: 'string' } } });
  });
});
