/**
 * The message protocol between the plugin host and a plugin's worker thread. Messages are plain
 * JSON (no class instances, no Dates): timestamps travel as RFC 3339 strings. Request names
 * follow GoCD's package-material extension.
 */
import type { ResolvedProperty, SettingDeclaration, ValidationError, WireError } from '@baton/plugin-api';
import type { OutboundRules } from '../config/outbound-rules';

export const PROTOCOL_VERSION = 1;

/** A revision in its wire form (and as the server stores it). */
export interface WireRevision {
  revision: string;
  timestamp: string;
  user: string | null;
  comment: string | null;
  trackback_url: string | null;
  data: Record<string, string>;
}

export type ConfigurationMap = Record<string, string>;

export interface RequestPayloads {
  'repository-configuration': Record<string, never>;
  'package-configuration': Record<string, never>;
  'validate-repository-configuration': { repository_configuration: ConfigurationMap };
  'validate-package-configuration': { repository_configuration: ConfigurationMap; package_configuration: ConfigurationMap };
  'check-repository-connection': { repository_configuration: ConfigurationMap };
  'check-package-connection': { repository_configuration: ConfigurationMap; package_configuration: ConfigurationMap };
  'latest-revision': { repository_configuration: ConfigurationMap; package_configuration: ConfigurationMap };
  'latest-revision-since': {
    repository_configuration: ConfigurationMap;
    package_configuration: ConfigurationMap;
    previous_revision: WireRevision;
  };
  'latest-revisions-since': {
    repository_configuration: ConfigurationMap;
    packages: { key: string; package_configuration: ConfigurationMap; previous_revision: WireRevision | null }[];
  };
}

export interface RevisionAnswer {
  revision: WireRevision | null;
  warnings: string[];
}

export interface ResponsePayloads {
  'repository-configuration': { properties: ResolvedProperty[] };
  'package-configuration': { properties: ResolvedProperty[] };
  'validate-repository-configuration': { errors: ValidationError[] };
  'validate-package-configuration': { errors: ValidationError[] };
  'check-repository-connection': { ok: boolean; messages: string[] };
  'check-package-connection': { ok: boolean; messages: string[]; revision: WireRevision | null };
  'latest-revision': RevisionAnswer;
  'latest-revision-since': RevisionAnswer;
  'latest-revisions-since': {
    results: ({ key: string; result: RevisionAnswer; error?: undefined } | { key: string; error: WireError; result?: undefined })[];
  };
}

export type RequestName = keyof RequestPayloads;

export const REQUEST_NAMES: readonly RequestName[] = [
  'repository-configuration',
  'package-configuration',
  'validate-repository-configuration',
  'validate-package-configuration',
  'check-repository-connection',
  'check-package-connection',
  'latest-revision',
  'latest-revision-since',
  'latest-revisions-since',
];

/** What the worker learns of the plugin from its definition, sent once the module has loaded. */
export interface PluginDescriptor {
  id: string;
  displayName: string;
  version: string;
  apiVersion: number;
  capabilities: { batch: boolean };
  repositoryProperties: ResolvedProperty[];
  packageProperties: ResolvedProperty[];
  settings: Record<string, SettingDeclaration>;
}

// host → worker
export type HostMessage =
  | { v: 1; type: 'request'; id: number; name: RequestName; scope: string | null; payload: RequestPayloads[RequestName] }
  | { v: 1; type: 'cancel'; id: number }
  | { v: 1; type: 'store-reply'; id: number; ok: true; value: string | null }
  | { v: 1; type: 'store-reply'; id: number; ok: false; message: string; transient: boolean };

// worker → host
export type WorkerMessage =
  | { v: 1; type: 'ready'; descriptor: PluginDescriptor }
  | { v: 1; type: 'load-failed'; message: string }
  | { v: 1; type: 'response'; id: number; ok: true; result: ResponsePayloads[RequestName] }
  | { v: 1; type: 'response'; id: number; ok: false; error: WireError }
  // `request_id` names the call the access belongs to; the host uses that call's scope, whatever `scope` says.
  | { v: 1; type: 'store'; id: number; request_id: number; scope: string; op: 'get' | 'set' | 'delete'; key: string; value?: string }
  | { v: 1; type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string; fields?: Record<string, unknown>; request_id?: number }
  | ({ v: 1; type: 'memory' } & WorkerMemorySample);

/**
 * The worker's own isolate, sampled inside it, in bytes. `external` includes `array_buffers`, so
 * a worker holds `heap_used + external`; `peak_total` is the most it held since it started.
 */
export interface WorkerMemorySample {
  heap_used: number;
  external: number;
  array_buffers: number;
  peak_total: number;
  sampled_at: string;
}

/** What the host hands a new worker. */
export interface WorkerStartData {
  protocolVersion: number;
  /** Absolute path of the plugin's built entry file. */
  entryFile: string;
  /** Load the plugin, post its descriptor and serve nothing: how the host learns a plugin's id before giving it its settings. */
  describeOnly: boolean;
  http: HttpClientSettings;
  /** How often the worker samples its memory while a call runs. */
  memorySampleMs: number;
}

/** Settings of the HTTP client each worker builds for its plugin. */
export interface HttpClientSettings {
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  maxBytes: number;
  maxDecompressedBytes: number;
  maxRedirects: number;
  userAgent: string;
  /** Folders under which `file:` URLs may be read; empty refuses every `file:` URL. */
  fileRoots: string[];
  /** The addresses requests may not connect to (`BATON_OUTBOUND_DENY`, `BATON_OUTBOUND_ALLOW`). */
  outbound: OutboundRules;
}
