import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/database';
import type { Page, PageRequest } from '../../db/pagination';
import type { DbWebhookDeliveryRow } from '../../db/tables';
import { InvalidInput, NotFound } from '../../domain-errors';
import { checkVersion } from '../../versions';
import type { AuditStore } from '../../security/audit-store';
import type { Actor } from '../../security/roles';
import type { SecretBox } from '../../security/secret-box';
import type { WebhookDeliveryStore } from './webhook-delivery-store';
import { auditableUrl, checkWebhookInput, distinctEventTypes, type WebhookInput, type WebhookUpdate } from './webhook-input';
import type { WebhookConfiguration, WebhookStore } from './webhook-store';
import { secretContextOf, type Webhook } from './webhook';

/** Registering, changing and inspecting outbound webhooks. Every change is audited. */
export class WebhookService {
  constructor(
    private readonly db: Database,
    private readonly store: WebhookStore,
    private readonly deliveries: WebhookDeliveryStore,
    private readonly secretBox: SecretBox,
    private readonly audit: AuditStore,
  ) {}

  list(page: PageRequest): Promise<Page<Webhook>> {
    return this.store.list(page);
  }

  async get(id: string): Promise<Webhook> {
    const webhook = await this.store.get(id);
    if (!webhook) throw new NotFound(`no webhook with id ${id}`);
    return webhook;
  }

  async create(input: WebhookInput, actor: Actor): Promise<Webhook> {
    checkWebhookInput(input);
    const id = randomUUID();
    const configuration = configurationOf(input, this.encrypt(id, input.secret));
    return this.db.knex.transaction(async (trx) => {
      const created = await this.store.insert(trx, id, configuration);
      await this.audit.record({ actor: actor.name, action: 'webhook.create', resourceType: 'webhook', resourceId: id, details: detailsOf(input) }, trx);
      return created;
    });
  }

  /** Replaces the configuration; a secret left out is kept, unless the URL moves to another origin. */
  async update(id: string, input: WebhookUpdate, ifMatch: string | undefined, actor: Actor): Promise<Webhook> {
    checkVersion((await this.get(id)).configVersion, ifMatch);
    checkWebhookInput(input);
    return this.db.knex.transaction(async (trx) => {
      const current = await this.store.get(id, trx, true);
      if (!current) throw new NotFound(`no webhook with id ${id}`);
      checkVersion(current.configVersion, ifMatch);
      if (input.secret === undefined && new URL(input.url).origin !== new URL(current.url).origin) {
        throw InvalidInput.field('secret', 'the url moves to another origin: send the secret again, so that signed events go where their secret was meant for');
      }
      const encryptedSecret = input.secret === undefined ? current.encryptedSecret : this.encrypt(id, input.secret);
      const updated = await this.store.update(trx, id, configurationOf(input, encryptedSecret));
      const details = { ...detailsOf(input), secret_changed: input.secret !== undefined, was_failing: current.deliveryStatus === 'failing' };
      await this.audit.record({ actor: actor.name, action: 'webhook.update', resourceType: 'webhook', resourceId: id, details }, trx);
      return updated;
    });
  }

  /** Enables a webhook and clears its failing mark; delivery resumes from its cursor. */
  async enable(id: string, actor: Actor): Promise<Webhook> {
    return this.db.knex.transaction(async (trx) => {
      const current = await this.store.get(id, trx, true);
      if (!current) throw new NotFound(`no webhook with id ${id}`);
      const configuration = { url: current.url, eventTypes: current.eventTypes, encryptedSecret: current.encryptedSecret, enabled: true };
      const updated = await this.store.update(trx, id, configuration);
      const details = { was_enabled: current.enabled, was_failing: current.deliveryStatus === 'failing' };
      await this.audit.record({ actor: actor.name, action: 'webhook.enable', resourceType: 'webhook', resourceId: id, details }, trx);
      return updated;
    });
  }

  async delete(id: string, ifMatch: string | undefined, actor: Actor): Promise<void> {
    await this.db.knex.transaction(async (trx) => {
      const current = await this.store.get(id, trx, true);
      if (!current) throw new NotFound(`no webhook with id ${id}`);
      checkVersion(current.configVersion, ifMatch);
      await this.store.delete(trx, id);
      await this.audit.record(
        { actor: actor.name, action: 'webhook.delete', resourceType: 'webhook', resourceId: id, details: { url: auditableUrl(current.url) } },
        trx,
      );
    });
  }

  /** A webhook's delivery attempts, newest first. */
  async deliveriesOf(id: string, page: PageRequest): Promise<Page<DbWebhookDeliveryRow>> {
    await this.get(id);
    return this.deliveries.list(id, page);
  }

  private encrypt(id: string, secret: string): string {
    return this.secretBox.encrypt(secret, secretContextOf(id));
  }
}

function configurationOf(input: WebhookInput | WebhookUpdate, encryptedSecret: string): WebhookConfiguration {
  return { url: input.url, eventTypes: distinctEventTypes(input.event_types), encryptedSecret, enabled: input.enabled };
}

function detailsOf(input: WebhookInput | WebhookUpdate): Record<string, unknown> {
  return { url: auditableUrl(input.url), event_types: distinctEventTypes(input.event_types), enabled: input.enabled };
}
