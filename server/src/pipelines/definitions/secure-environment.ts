import type { SecretBox } from '../../security/secret-box';

/**
 * Secure pipeline variables are encrypted for one pipeline and variable (`POST /api/encrypt`), so
 * a value copied into another pipeline or variable — one an admin cannot read, or one defined in
 * someone else's file — does not decrypt there.
 */
export function secureVariableContext(pipeline: string, variable: string) {
  return { resourceType: 'pipeline', resourceId: pipeline, key: variable };
}

export function encryptVariable(box: SecretBox, value: string, pipeline: string, variable: string): string {
  return box.encrypt(value, secureVariableContext(pipeline, variable));
}

/** Decrypts a secure variable bound to this pipeline and name. Throws UndecryptableSecret. */
export function decryptVariable(box: SecretBox, encrypted: string, pipeline: string, variable: string): string {
  return box.decrypt(encrypted, secureVariableContext(pipeline, variable));
}
