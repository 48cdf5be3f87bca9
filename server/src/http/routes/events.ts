import { Type } from '@sinclair/typebox';
import type { Response } from 'express';
import { InvalidInput } from '../../domain-errors';
import { BatonEvent, type EventStore } from '../../events/event-store';
import type { EventStream } from '../../events/event-stream';
import type { StreamSessions } from '../../events/stream-sessions';
import { eventTypeFilter } from '../../events/webhooks/event-type-filter';
import { defineRoute, type RouteDefinition } from '../route';
import { ref } from '../schemas';

const HEARTBEAT_MS = 15_000;

const TYPES_DESCRIPTION =
  'Comma-separated event types; `package.*` matches a prefix. Empty or left out: every type. A filter naming a type or prefix that matches no event type (alone or beside others), or naming none, is 422 naming each such entry and the known types.';

function numberParam(name: string, value: string | undefined, fallback: number | null, max = Number.MAX_SAFE_INTEGER): number | null {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) > max)
    throw InvalidInput.field(name, `${name} must be a whole number${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}`);
  return Number(value);
}

/** The `types` filter; one that matches nothing in the catalogue, in whole or in part, is refused, not silently empty. */
function typesParam(value: string | undefined): string[] | null {
  const { types, problems } = eventTypeFilter(value);
  if (problems.length > 0) throw new InvalidInput({ types: problems });
  return types;
}

/** The event stream (Server-Sent Events) and the event history. */
export function eventRoutes(log: EventStore, stream: EventStream, sessions: StreamSessions): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/events',
      operationId: 'streamEvents',
      summary:
        'Events as Server-Sent Events; resume with Last-Event-ID (or ?last_event_id=); the token may come as ?access_token=, or a browser may send its session cookie. The stream ends when its token is deleted or changes role, when its session ends, and after BATON_EVENT_STREAM_MAX_AGE_SECONDS',
      tag: 'events',
      access: 'viewer',
      queryToken: true,
      requestHeaders: { 'Last-Event-ID': { description: 'Resume after this event id; browsers send it when they reconnect.' } },
      query: {
        last_event_id: { description: 'Resume after this event id (as the Last-Event-ID header does).', schema: Type.String() },
        types: { description: TYPES_DESCRIPTION, schema: Type.String() },
        access_token: { description: 'The API token, for clients that cannot send headers.', schema: Type.String() },
      },
      responses: {
        200: { description: 'The stream: `id:`, `event:` and `data:` (JSON) per event.', contentType: 'text/event-stream', schema: Type.String() },
      },
      async handler({ query, header, response, request, actor }) {
        const after = numberParam('last_event_id', header('last-event-id') ?? query['last_event_id'], null);
        const types = typesParam(query['types']);
        openStream(response);
        const subscription = await stream.subscribe(after, types, (event) => writeEvent(response, event));
        const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
        const closed = () => {
          clearInterval(heartbeat);
          subscription.close();
        };
        const forget = sessions.open(actor, () => {
          closed();
          response.end();
        });
        request.on('close', () => {
          closed();
          forget();
        });
        return { status: 200, handled: true };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/events/history',
      operationId: 'listEvents',
      summary: 'Events after an id, oldest first',
      tag: 'events',
      access: 'viewer',
      query: {
        after: { description: 'Only events with a larger id (default 0).', schema: Type.String({ pattern: '^[0-9]+$' }) },
        limit: { description: 'At most this many, 1 to 500 (default 50).', schema: Type.String({ pattern: '^[0-9]+$' }) },
        types: { description: TYPES_DESCRIPTION, schema: Type.String() },
      },
      responses: {
        200: {
          description: 'Events, oldest first.',
          schema: Type.Object({ events: Type.Array(ref(BatonEvent)) }, { additionalProperties: false }),
        },
      },
      async handler({ query }) {
        const after = numberParam('after', query['after'], 0)!;
        const limit = numberParam('limit', query['limit'], 50, 500)!;
        if (limit < 1) throw InvalidInput.field('limit', 'limit must be from 1 to 500');
        return { status: 200, body: { events: await log.after(after, limit, typesParam(query['types'])) } };
      },
    }),
  ];
}

function openStream(response: Response): void {
  response.status(200);
  response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  response.setHeader('Cache-Control', 'no-cache, no-transform');
  response.setHeader('X-Accel-Buffering', 'no');
  response.flushHeaders();
  response.write('retry: 3000\n\n');
}

function writeEvent(response: Response, event: BatonEvent): void {
  response.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}
