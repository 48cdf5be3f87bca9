import { PermanentError } from './errors';
import type { PackageRevision } from './revision';

/**
 * How large each field of a revision may be, in UTF-8 bytes. `total` is the sum of the label,
 * user, comment, trackback URL and every data key and value (the timestamp is not counted).
 *
 * @example
 * ```ts
 * REVISION_LIMITS.comment; // 16384
 * ```
 */
export const REVISION_LIMITS = {
  label: 1024,
  user: 1024,
  comment: 16 * 1024,
  trackbackUrl: 8 * 1024,
  dataValue: 8 * 1024,
  total: 64 * 1024,
} as const;

/**
 * The size of a string in UTF-8 bytes.
 *
 * @example
 * ```ts
 * utf8Bytes('é'); // 2
 * ```
 */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * `text` cut to at most `maxBytes` UTF-8 bytes, on a character boundary, with a visible marker
 * that says how many bytes were left out; unchanged when it fits.
 *
 * @example
 * ```ts
 * cutText('x'.repeat(100), 40); // 'xxxxxxxxxxxxxxxxxxxxxxx… [cut: 77 bytes]'
 * ```
 */
export function cutText(text: string, maxBytes: number): string {
  const total = utf8Bytes(text);
  if (total <= maxBytes) return text;
  // The marker never needs more digits than the whole text's length has.
  const room = Math.max(0, maxBytes - utf8Bytes(cutMarker(total)));
  const bytes = Buffer.from(text, 'utf8');
  let keep = Math.min(room, bytes.length);
  // Back off from the middle of a multi-byte character.
  while (keep > 0 && (bytes[keep] & 0xc0) === 0x80) keep -= 1;
  return bytes.toString('utf8', 0, keep) + cutMarker(total - keep);
}

function cutMarker(removed: number): string {
  return `… [cut: ${removed} bytes]`;
}

/**
 * A revision within {@link REVISION_LIMITS}: a user or comment that is too long is cut with a
 * visible marker; a label, trackback URL or data value that is too long — a cut `LOCATION` or
 * `CHECKSUM` would be wrong, not shorter — and a revision too large as a whole are a
 * `PermanentError` (`revision_too_large`) that names the field. Fields that are not strings are
 * left for {@link revisionProblems} to report.
 *
 * @example
 * ```ts
 * fitRevision({ revision: '1.0', timestamp: new Date(), comment: 'x'.repeat(20_000) }).comment?.endsWith('bytes]'); // true
 * fitRevision({ revision: '1.0', timestamp: new Date(), data: { LOCATION: 'x'.repeat(9000) } }); // throws: "… LOCATION is 9000 bytes …"
 * ```
 */
export function fitRevision(revision: PackageRevision): PackageRevision {
  const label = typeof revision.revision === 'string' ? revision.revision : '';
  refuseOver(label, 'the label (revision)', REVISION_LIMITS.label, label);
  refuseOver(revision.trackbackUrl, 'trackbackUrl', REVISION_LIMITS.trackbackUrl, label);
  const data = isStringMap(revision.data) ? revision.data : {};
  for (const [key, value] of Object.entries(data)) refuseOver(value, `data value ${key}`, REVISION_LIMITS.dataValue, label);
  const fitted: PackageRevision = { ...revision };
  if (typeof revision.user === 'string') fitted.user = cutText(revision.user, REVISION_LIMITS.user);
  if (typeof revision.comment === 'string') fitted.comment = cutText(revision.comment, REVISION_LIMITS.comment);
  const total = revisionBytes(fitted);
  if (total > REVISION_LIMITS.total) {
    const what = `is ${total} bytes in all (label, user, comment, trackbackUrl, data keys and values, of which ${Object.keys(data).length} data entries)`;
    throw new PermanentError('revision_too_large', `revision '${shortLabel(label)}' ${what}, more than the ${REVISION_LIMITS.total} allowed`);
  }
  return fitted;
}

/** What counts against {@link REVISION_LIMITS}.total. */
function revisionBytes(revision: PackageRevision): number {
  const text = (value: unknown): number => (typeof value === 'string' ? utf8Bytes(value) : 0);
  const data = isStringMap(revision.data) ? Object.entries(revision.data) : [];
  const dataBytes = data.reduce((sum, [key, value]) => sum + utf8Bytes(key) + text(value), 0);
  return text(revision.revision) + text(revision.user) + text(revision.comment) + text(revision.trackbackUrl) + dataBytes;
}

function refuseOver(value: unknown, field: string, limit: number, label: string): void {
  if (typeof value !== 'string') return;
  const size = utf8Bytes(value);
  if (size <= limit) return;
  const of = field.startsWith('the label') ? '' : ` of revision '${shortLabel(label)}'`;
  throw new PermanentError('revision_too_large', `${field}${of} is ${size} bytes, more than the ${limit} allowed`);
}

function shortLabel(label: string): string {
  return cutText(label, 120);
}

function isStringMap(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
