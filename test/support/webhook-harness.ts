import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Database } from '../../server/src/db/database';
import type { DbWebhookDeliveryRow } from '../../server/src/db/tables';
import type { EventPayload, EventType } from '../../server/src/events/event-catalogue';
import { EventStore } from '../../server/src/events/event-store';
import { EventRetention } from '../../server/src/events/webhooks/event-retention';
import { WebhookDeliveryStore } from '../../server/src/events/webhooks/webhook-delivery-store';
import { WebhookDispatcher, type WebhookDispatcherOptions } from '../../server/src/events/webhooks/webhook-dispatcher';
import { WebhookLeases } from '../../server/src/events/webhooks/webhook-leases';
import { WebhookService } from '../../server/src/events/webhooks/webhook-service';
import { WebhookStore } from '../../server/src/events/webhooks/webhook-store';
import { samplePayload } from './sample-events';
import type { DeliveryObserver } from '../../server/src/events/webhooks/webhook-session';
import { buildApp } from '../../server/src/http/app';
import { buildOpenApiDocument, type OpenApiDocument } from '../../server/src/http/openapi';
import { OpenApiValidator } from '../../server/src/http/openapi-validator';
import { healthRoutes } from '../../server/src/http/routes/health';
import { webhookRoutes } from '../../server/src/http/routes/webhooks';
import { SCHEMAS } from '../../server/src/http/schemas';
import { WEBHOOK_SCHEMAS } from '../../server/src/http/webhook-schemas';
import { createLogger } from '../../server/src/logger';
import { AuditStore } from '../../server/src/security/audit-store';
import type { Actor } from '../../server/src/security/roles';
import { SecretBox } from '../../server/src/security/secret-box';
import { SignInSessions } from '../../server/src/security/sign-in-sessions';
import { TokenService } from '../../server/src/security/token-service';
import { ApiClient } from './api-client';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases';

export const TEST_ADMIN: Actor = { tokenId: '', name: 'admin', role: 'admin' };

/** Short waits, so that retries and failures happen within a test; a generous timeout for receivers that answer. */
export const FAST_DELIVERY: Omit<WebhookDispatcherOptions, 'maxFailingMs'> = {
  userAgent: 'Baton/test',
  tickMs: 50,
  initialBackoffMs: 50,
  maxBackoffMs: 200,
  timeoutMs: 60_000,
  leaseMs: 10_000,
  stopDeadlineMs: 1_000,
};

/**
 * The webhook parts on a fresh test database, wired by hand: the service, dispatchers, the outbox
 * and, on request, an HTTP API with the webhook routes and an admin token.
 */
export class WebhookHarness {
  readonly events: EventStore;
  readonly deliveries: WebhookDeliveryStore;
  readonly retention: EventRetention;
  readonly service: WebhookService;
  private readonly dispatchers: WebhookDispatcher[] = [];
  private readonly extraDatabases: Database[] = [];
  private server: http.Server | null = null;
  private readonly logger = createLogger(process.env['BATON_TEST_LOG'] ?? 'silent');

  private constructor(
    readonly database: TestDatabase,
    readonly db: Database,
    readonly secretBox: SecretBox,
  ) {
    this.events = new EventStore(db);
    this.deliveries = new WebhookDeliveryStore(db);
    this.retention = new EventRetention(this.events, this.deliveries, 30, new AuditStore(db));
    this.service = new WebhookService(db, new WebhookStore(db), this.deliveries, secretBox, new AuditStore(db));
  }

  static async start(kind: DatabaseKind): Promise<WebhookHarness> {
    const database = await createTestDatabase(kind);
    return new WebhookHarness(database, await database.open(), new SecretBox(randomBytes(32)));
  }

  /** Appends an event (a sample payload with `overrides`) in its own transaction, then wakes every dispatcher, as the server does. */
  async emit<T extends EventType>(type: T, overrides: Partial<EventPayload<T>> = {}): Promise<number> {
    const id = await this.db.knex.transaction((trx) => this.events.append(trx, type, samplePayload(type, overrides)));
    for (const dispatcher of this.dispatchers) dispatcher.wake();
    return id;
  }

  /** Starts a dispatcher; `separateConnection` gives it its own database pool (PostgreSQL only). */
  async dispatcher(options: Partial<WebhookDispatcherOptions> = {}, observer?: DeliveryObserver, separateConnection = false): Promise<WebhookDispatcher> {
    const db = separateConnection ? await this.openAnother() : this.db;
    const events = new EventStore(db);
    const deliveries = new WebhookDeliveryStore(db);
    const parts = {
      leases: new WebhookLeases(db, deliveries),
      events,
      secretBox: this.secretBox,
      retention: new EventRetention(events, deliveries, 30, new AuditStore(db)),
      logger: this.logger,
    };
    const dispatcher = new WebhookDispatcher(parts, { ...FAST_DELIVERY, maxFailingMs: 24 * 3_600_000, ...options }, observer);
    this.dispatchers.push(dispatcher);
    dispatcher.start();
    return dispatcher;
  }

  /** Serves the webhook routes on a loopback port; answers a client holding an admin token. */
  async api(): Promise<ApiClient> {
    const tokens = new TokenService(this.db, new AuditStore(this.db));
    const adminToken = `test-admin-${randomBytes(16).toString('hex')}`;
    await tokens.bootstrapAdmin(adminToken, this.database.dataDir);
    let document: OpenApiDocument | null = null;
    const routes = [...healthRoutes({ check: async () => ({ ready: true, reason: '' }) }, () => document!), ...webhookRoutes(this.service)];
    const built = buildOpenApiDocument(routes, '0.0.0');
    document = { ...built, components: { ...(built['components'] as object), schemas: { ...SCHEMAS, ...WEBHOOK_SCHEMAS } } };
    const app = buildApp({
      routes,
      validator: new OpenApiValidator(document),
      tokens,
      signIns: new SignInSessions(this.db, tokens, { maxAgeSeconds: 3600 }),
      logger: this.logger,
      bodyLimitBytes: 1024 * 1024,
      trustProxy: false,
      isShuttingDown: () => false,
    });
    this.server = http.createServer(app);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return ApiClient.connect(`http://127.0.0.1:${(this.server.address() as AddressInfo).port}`, adminToken);
  }

  /** Waits until a webhook's cursor has reached an event: it was delivered and recorded (or skipped). */
  async waitForCursor(webhookId: string, eventId: number): Promise<void> {
    await this.waitFor(async () => (await this.service.get(webhookId)).cursor >= eventId, `the cursor of ${webhookId} to reach ${eventId}`);
  }

  /** Waits until a webhook's recorded attempts (newest first) satisfy a condition. */
  async waitForAttempts(webhookId: string, condition: (attempts: DbWebhookDeliveryRow[]) => boolean, what: string): Promise<void> {
    await this.waitFor(async () => condition((await this.service.deliveriesOf(webhookId, { limit: 500, cursor: null })).items), what);
  }

  /** Stops dispatchers and the API, closes and drops the database. */
  async close(): Promise<void> {
    await Promise.all(this.dispatchers.splice(0).map((d) => d.stop()));
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise((resolve) => this.server!.close(resolve));
    }
    for (const db of this.extraDatabases.splice(0)) await db.close();
    await this.db.close();
    await this.database.drop();
  }

  private async waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms in vain for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  private async openAnother(): Promise<Database> {
    if (this.database.kind !== 'postgres') return this.db;
    const db = await this.database.open();
    this.extraDatabases.push(db);
    return db;
  }
}
