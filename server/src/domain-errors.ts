/**
 * Failures the services report and the HTTP layer turns into problem documents. Services never
 * speak HTTP; each class here has exactly one status in `http/problem.ts`.
 */

/** Field paths (`name`, `configuration.REPO_URL`) to what is wrong with each. */
export type FieldErrors = Record<string, string[]>;

export class InvalidInput extends Error {
  constructor(
    readonly errors: FieldErrors,
    message = 'The request is not valid',
  ) {
    super(message);
  }

  /** One field, one message. */
  static field(path: string, message: string): InvalidInput {
    return new InvalidInput({ [path]: [message] });
  }
}

export class NotFound extends Error {}

export class Conflict extends Error {}

/** The client's `If-Match` names a version that is no longer current. */
export class StaleVersion extends Error {}

/** An update or delete came without `If-Match`. */
export class VersionRequired extends Error {}

/** The actor is known but may not do this (beyond role checks: an approval restricted to users). */
export class Forbidden extends Error {}

/** A plugin failed (a bug, or an error that will not go away by waiting) while serving the request. */
export class PluginFailed extends Error {}

/** A dependency (a plugin, the database) cannot answer now; the client may try again later. */
export class Unavailable extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

/**
 * Adds one message to a field of an error map. Paths carry what clients and files name
 * (`constructor`, `environment.__proto__`): only own entries count, and a new one is defined,
 * not assigned, so that no key reads or changes the object's prototype.
 */
export function addFieldError(errors: FieldErrors, path: string, message: string): void {
  if (Object.hasOwn(errors, path)) errors[path].push(message);
  else Object.defineProperty(errors, path, { value: [message], enumerable: true, writable: true, configurable: true });
}
