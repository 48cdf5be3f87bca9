import type { Static } from '@sinclair/typebox';
import { pageRequest } from '../../db/pagination';
import type { DbWebhookDeliveryRow } from '../../db/tables';
import { WebhookInput, WebhookUpdate } from '../../events/webhooks/webhook-input';
import type { WebhookService } from '../../events/webhooks/webhook-service';
import type { Webhook } from '../../events/webhooks/webhook';
import { etagOf } from '../../versions';
import { iso } from '../presenters';
import { defineRoute, type RouteDefinition } from '../route';
import { collection, ETAG_HEADER, ID_PARAM, PAGE_QUERY, ref } from '../schemas';
import * as schemas from '../webhook-schemas';

/** A webhook in its API form; the secret never leaves the server. */
function presentWebhook(webhook: Webhook): Static<typeof schemas.Webhook> {
  return {
    id: webhook.id,
    url: webhook.url,
    event_types: webhook.eventTypes,
    enabled: webhook.enabled,
    status: webhook.enabled ? webhook.deliveryStatus : 'disabled',
    cursor: webhook.cursor,
    next_attempt_at: webhook.nextAttemptAt.toISOString(),
    failing_since: iso(webhook.failingSince),
    last_error: webhook.lastError,
    created_at: webhook.createdAt.toISOString(),
    updated_at: webhook.updatedAt.toISOString(),
  };
}

function presentDelivery(row: DbWebhookDeliveryRow): Static<typeof schemas.WebhookDelivery> {
  return {
    id: row.id,
    event_id: row.event_id,
    event_type: row.event_type,
    attempt: row.attempt,
    status: row.status,
    response_status: row.response_status,
    error: row.error,
    duration_ms: row.duration_ms,
    attempted_at: row.attempted_at.toISOString(),
  };
}

const single = (status: number, webhook: Webhook) => ({ status, body: presentWebhook(webhook), headers: { ETag: etagOf(webhook.configVersion) } });

/** Outbound webhooks: where events are POSTed, and how their deliveries went. */
export function webhookRoutes(service: WebhookService): RouteDefinition[] {
  return [...collectionRoutes(service), ...resourceRoutes(service)];
}

function collectionRoutes(service: WebhookService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/webhooks',
      operationId: 'listWebhooks',
      summary: 'List webhooks, by URL',
      tag: 'webhooks',
      access: 'admin',
      query: PAGE_QUERY,
      responses: { 200: { description: 'A page of webhooks.', schema: collection('webhooks', ref(schemas.Webhook)) } },
      async handler({ query }) {
        const page = await service.list(pageRequest(query));
        return { status: 200, body: { webhooks: page.items.map(presentWebhook), next_cursor: page.nextCursor } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/webhooks',
      operationId: 'createWebhook',
      summary: 'Register a webhook; it receives events from now on',
      tag: 'webhooks',
      access: 'admin',
      body: ref(WebhookInput),
      responses: { 201: { description: 'Created.', schema: ref(schemas.Webhook), headers: ETAG_HEADER } },
      async handler({ body, actor }) {
        const webhook = await service.create(body, actor);
        return { ...single(201, webhook), headers: { ETag: etagOf(webhook.configVersion), Location: `/api/webhooks/${webhook.id}` } };
      },
    }),
  ];
}

function resourceRoutes(service: WebhookService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/webhooks/:id',
      operationId: 'getWebhook',
      summary: 'Read a webhook and its delivery state',
      tag: 'webhooks',
      access: 'admin',
      params: ID_PARAM,
      responses: { 200: { description: 'The webhook.', schema: ref(schemas.Webhook), headers: ETAG_HEADER } },
      async handler({ params }) {
        return single(200, await service.get(params['id']));
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/webhooks/:id',
      operationId: 'updateWebhook',
      summary: 'Replace a webhook’s configuration; enabling clears a failing mark',
      tag: 'webhooks',
      access: 'admin',
      versioned: true,
      params: ID_PARAM,
      body: ref(WebhookUpdate),
      responses: { 200: { description: 'Updated.', schema: ref(schemas.Webhook), headers: ETAG_HEADER } },
      async handler({ params, body, header, actor }) {
        return single(200, await service.update(params['id'], body, header('if-match'), actor));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/webhooks/:id',
      operationId: 'deleteWebhook',
      summary: 'Delete a webhook and its delivery history',
      tag: 'webhooks',
      access: 'admin',
      versioned: true,
      params: ID_PARAM,
      responses: { 204: { description: 'Deleted.' } },
      async handler({ params, header, actor }) {
        await service.delete(params['id'], header('if-match'), actor);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/webhooks/:id/enable',
      operationId: 'enableWebhook',
      summary: 'Enable a webhook and clear its failing mark; delivery resumes from its cursor',
      tag: 'webhooks',
      access: 'admin',
      params: ID_PARAM,
      responses: { 200: { description: 'Enabled.', schema: ref(schemas.Webhook), headers: ETAG_HEADER } },
      async handler({ params, actor }) {
        return single(200, await service.enable(params['id'], actor));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/webhooks/:id/deliveries',
      operationId: 'listWebhookDeliveries',
      summary: 'A webhook’s delivery attempts, newest first',
      tag: 'webhooks',
      access: 'admin',
      params: ID_PARAM,
      query: PAGE_QUERY,
      responses: { 200: { description: 'A page of attempts.', schema: collection('deliveries', ref(schemas.WebhookDelivery)) } },
      async handler({ params, query }) {
        const page = await service.deliveriesOf(params['id'], pageRequest(query));
        return { status: 200, body: { deliveries: page.items.map(presentDelivery), next_cursor: page.nextCursor } };
      },
    }),
  ];
}
