import type { FieldErrors } from '../../domain-errors';

/** What one file of the configuration folder put in force, as `GET /api/config-files` shows it. */
export interface ConfigFileStatus {
  /** Relative to the folder. */
  file: string;
  status: 'ok' | 'invalid';
  /** The pipelines in force from this file: its current version's, or its last good version's. */
  pipelines: string[];
  errors: FieldErrors | null;
  /** When this process loaded the version in force; null if it never loaded one. */
  loadedAt: Date | null;
  checkedAt: Date;
}
