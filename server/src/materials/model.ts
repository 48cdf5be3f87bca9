import type { DbConfigurationEntry } from '../db/tables';

/** A named configuration of one plugin. */
export interface PackageRepository {
  id: string;
  name: string;
  pluginId: string;
  configuration: DbConfigurationEntry[];
  /** What the plugin objected to when it last validated the stored configuration. */
  configurationErrors: Record<string, string[]>;
  configVersion: number;
  createdAt: Date;
  updatedAt: Date;
  /** Set when it was deleted with history: archived, kept for that history, no longer polled. */
  deletedAt: Date | null;
}

/** A package inside a repository. */
export interface MaterialPackage {
  id: string;
  repositoryId: string;
  name: string;
  configuration: DbConfigurationEntry[];
  configurationErrors: Record<string, string[]>;
  fingerprint: string;
  autoUpdate: boolean;
  pollIntervalSeconds: number;
  configVersion: number;
  createdAt: Date;
  updatedAt: Date;
  /** Set when it was deleted with revisions: archived, its revisions and promotions kept, no longer polled. */
  deletedAt: Date | null;
}

/** A package named in a listing of its repository. */
export interface PackageReference {
  id: string;
  name: string;
}
