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
}

/** A package named in a listing of its repository. */
export interface PackageReference {
  id: string;
  name: string;
}
