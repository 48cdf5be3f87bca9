import type { PackageRevision } from '@baton/plugin-api';
import type { WireRevision } from './protocol';

const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * A plugin's revision in wire form. Faithful rather than forgiving: whatever the plugin put in a
 * field travels as it is (a timestamp that is not a valid Date as `''`), so the host's check
 * reports what the plugin really returned.
 */
export function revisionToWire(revision: PackageRevision): WireRevision {
  // Realm-independent: a Date made in another context fails `instanceof`.
  const timestamp: unknown = revision.timestamp;
  const valid = Object.prototype.toString.call(timestamp) === '[object Date]' && !Number.isNaN((timestamp as Date).getTime());
  return {
    revision: revision.revision,
    timestamp: valid ? (timestamp as Date).toISOString() : '',
    user: revision.user ?? null,
    comment: revision.comment ?? null,
    trackback_url: revision.trackbackUrl ?? null,
    data: revision.data ?? {},
  };
}

/** A wire revision as plugins see it; a timestamp that is not RFC 3339 becomes an invalid Date. */
export function revisionFromWire(wire: WireRevision): PackageRevision {
  return {
    revision: wire.revision,
    timestamp: parseWireTimestamp(wire.timestamp),
    user: wire.user ?? undefined,
    comment: wire.comment ?? undefined,
    trackbackUrl: wire.trackback_url ?? undefined,
    data: wire.data ?? undefined,
  };
}

function parseWireTimestamp(value: unknown): Date {
  return typeof value === 'string' && RFC_3339.test(value) ? new Date(value) : new Date(NaN);
}
