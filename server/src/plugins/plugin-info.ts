import { Type, type Static } from '@sinclair/typebox';
import type { Capabilities, FetchCredentials, ResolvedProperty, SettingDeclaration } from '@baton/plugin-api';
import { component } from '../schema-components';
import type { PluginMemory } from './plugin-memory';

/**
 * Health of a loaded plugin: `ok`; `restarting` while a crashed or hung worker is being replaced;
 * `failed` after too many crashes in the restart window, until an admin restarts it.
 */
export type PluginStatus = 'ok' | 'restarting' | 'failed';

/** Where a plugin package came from. */
export type PluginSource = 'bundled' | 'external';

/** What the host tells the rest of the server about a loaded plugin. */
export interface PluginInfo {
  id: string;
  displayName: string;
  version: string;
  apiVersion: number;
  source: PluginSource;
  /** The plugin package's folder. */
  location: string;
  status: PluginStatus;
  lastError: string | null;
  lastErrorAt: Date | null;
  capabilities: Capabilities;
  repositoryProperties: ResolvedProperty[];
  packageProperties: ResolvedProperty[];
  settings: Record<string, SettingDeclaration>;
  /** Variables of the server's environment its workers receive, as it declares them (names, `prefix*`). */
  environment: string[];
  /** Which repository values fetch_package sends, and where; null for the default (USERNAME and PASSWORD to REPO_URL's origin). */
  fetchCredentials: FetchCredentials | null;
  /** Its workers' memory as they last sampled it; null until one has. */
  memory: PluginMemory | null;
}

/**
 * A plugin package the host did not load, and why. The host knows its full path; the API shows the
 * same shape with only the folder's name as `location`.
 */
export const PluginRefusal = component('PluginRefusal', Type.Object({ location: Type.String(), message: Type.String() }, { additionalProperties: false }));
export type PluginRefusal = Static<typeof PluginRefusal>;
