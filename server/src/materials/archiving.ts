import type { Knex } from 'knex';
import { Conflict } from '../domain-errors';
import type { AuditStore } from '../security/audit-store';
import type { Actor } from '../security/roles';
import type { MaterialPackage } from './model';
import type { PackageStore } from './package-store';

/**
 * Takes a package out of service. A package with revisions is archived, never deleted: its
 * revisions are the record promotions refer to. One without is deleted. Either way it is audited
 * under the action that happened.
 */
export async function retirePackage(
  trx: Knex.Transaction,
  stores: { packages: PackageStore; audit: AuditStore },
  pkg: MaterialPackage,
  actor: Actor,
  details: Record<string, unknown> = {},
): Promise<'archived' | 'deleted'> {
  const outcome = (await stores.packages.hasHistory(pkg.id, trx)) ? 'archived' : 'deleted';
  if (outcome === 'archived') await stores.packages.archive(trx, pkg.id);
  else await stores.packages.delete(trx, pkg.id);
  await stores.audit.record(
    {
      actor: actor.name,
      action: outcome === 'archived' ? 'package.archive' : 'package.delete',
      resourceType: 'package',
      resourceId: pkg.id,
      details: { name: pkg.name, ...details },
    },
    trx,
  );
  return outcome;
}

/** An archived repository or package is kept for the record only: it is not changed, deleted again or polled. */
export function refuseArchived<T extends { name: string; deletedAt: Date | null }>(material: T, kind: 'package' | 'repository'): T {
  if (material.deletedAt === null) return material;
  throw new Conflict(
    `${kind} '${material.name}' was deleted at ${material.deletedAt.toISOString()} and is kept, archived, only for its history: it is not changed, deleted again or polled`,
  );
}
