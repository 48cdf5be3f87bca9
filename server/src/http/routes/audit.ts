import { Type } from '@sinclair/typebox';
import { pageRequest } from '../../db/pagination';
import type { AuditStore } from '../../security/audit-store';
import { defineRoute, type RouteDefinition } from '../route';
import { AuditEntry, collection, PAGE_QUERY, ref } from '../schemas';

/** The audit log, newest first. */
export function auditRoutes(audit: AuditStore): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/audit',
      operationId: 'listAuditEntries',
      summary: 'Read the audit log, newest first',
      tag: 'audit',
      access: 'admin',
      query: {
        ...PAGE_QUERY,
        resource_type: { description: 'Only entries about this kind of resource (repository, package, token, plugin).', schema: Type.String() },
        resource_id: { description: 'Only entries about this resource.', schema: Type.String() },
      },
      responses: { 200: { description: 'A page of entries.', schema: collection('entries', ref(AuditEntry)) } },
      async handler({ query }) {
        const filter = {
          ...(query['resource_type'] ? { resourceType: query['resource_type'] } : {}),
          ...(query['resource_id'] ? { resourceId: query['resource_id'] } : {}),
        };
        const page = await audit.list(pageRequest(query), filter);
        const entries = page.items.map((row) => ({
          id: row.id,
          occurred_at: row.occurred_at.toISOString(),
          actor: row.actor,
          action: row.action,
          resource_type: row.resource_type,
          resource_id: row.resource_id,
          details: row.details,
        }));
        return { status: 200, body: { entries, next_cursor: page.nextCursor } };
      },
    }),
  ];
}
