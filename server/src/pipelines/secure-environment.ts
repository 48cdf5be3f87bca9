import type { SecretBox } from '../security/secret-box';

/**
 * Secure pipeline variables are encrypted for one pipeline and variable (`POST /api/encrypt` with
 * both), so a value pasted into another pipeline or variable does not decrypt; a value encrypted
 * without them (for files written before the pipeline had a name) decrypts anywhere.
 */
export function secureVariableContext(pipeline: string | null, variable: string | null) {
  return pipeline && variable
    ? { resourceType: 'pipeline', resourceId: pipeline, key: variable }
    : { resourceType: 'pipeline', resourceId: '*', key: '*' };
}

export function encryptVariable(box: SecretBox, value: string, pipeline: string | null, variable: string | null): string {
  return box.encrypt(value, secureVariableContext(pipeline, variable));
}

/** Decrypts a secure variable bound to its pipeline and name, or an unbound one. Throws UndecryptableSecret. */
export function decryptVariable(box: SecretBox, encrypted: string, pipeline: string, variable: string): string {
  try {
    return box.decrypt(encrypted, secureVariableContext(pipeline, variable));
  } catch {
    return box.decrypt(encrypted, secureVariableContext(null, null));
  }
}
