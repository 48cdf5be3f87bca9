import { createHash } from 'node:crypto';
import type { DbPipelineRunRow } from '../../db/tables';
import { InvalidInput } from '../../domain-errors';

/** A manual trigger sent with an `Idempotency-Key`: the key, bound to who sent it and to what. */
export interface IdempotentTrigger {
  key: string;
  tokenId: string;
  /** SHA-256 (hex) of the body as canonical JSON. */
  bodySha256: string;
}

export function idempotentTrigger(key: string, tokenId: string, body: unknown): IdempotentTrigger {
  return {
    key,
    tokenId,
    bodySha256: createHash('sha256')
      .update(canonicalJson(body ?? {}))
      .digest('hex'),
  };
}

/**
 * A repeat answers the first run only when it is the same request from the same token: a key
 * reused by someone else, or for other revisions or overrides, must not stand for a run it did
 * not ask for. Runs made before keys were bound carry no binding and answer no repeat.
 */
export function assertRepeatOf(run: DbPipelineRunRow, trigger: IdempotentTrigger): void {
  if (run.idempotency_token_id === trigger.tokenId && run.idempotency_body_sha256 === trigger.bodySha256) return;
  throw InvalidInput.field(
    'Idempotency-Key',
    `Idempotency-Key '${trigger.key}' was already used for another request (by another caller, or with another body); send a new key for a new request`,
  );
}

/** JSON with object keys sorted at every level, so that key order does not change the hash. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
