import type { FieldErrors } from '../domain-errors';

/**
 * Problems found when configurations were last validated by their plugins — at start, since a
 * plugin may have been upgraded and grown stricter, and on every save. Shown on the resources so
 * that an admin sees them without waiting for a poll to fail.
 */
export class ConfigurationReview {
  private readonly problems = new Map<string, FieldErrors>();

  problemsOf(resourceId: string): FieldErrors {
    return this.problems.get(resourceId) ?? {};
  }

  record(resourceId: string, errors: FieldErrors): void {
    if (Object.keys(errors).length === 0) this.problems.delete(resourceId);
    else this.problems.set(resourceId, errors);
  }

  forget(resourceId: string): void {
    this.problems.delete(resourceId);
  }
}
