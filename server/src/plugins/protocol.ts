/**
 * The message protocol between the plugin host and a plugin's worker thread. Messages are plain
 * JSON (no class instances, no Dates): timestamps travel as RFC 3339 strings. Request names
 * follow GoCD's package-material extension.
 */
import type { Static } from '@sinclair/typebox';
import type { OutboundRules } from '../config/outbound-rules';
import type {
  AnswerSchemas,
  BatchEntrySchema,
  ConfigurationMapSchema,
  HostMessageSchema,
  PackageCheckAnswerSchema,
  PluginDescriptorSchema,
  RequestSchemas,
  RevisionAnswerSchema,
  WireRevisionSchema,
  WorkerMemorySampleSchema,
  WorkerMessageSchema,
} from './protocol-schemas';

export const PROTOCOL_VERSION = 1;

/** A revision in its wire form (and as the server stores it). */
export type WireRevision = Static<typeof WireRevisionSchema>;

export type ConfigurationMap = Static<typeof ConfigurationMapSchema>;

export type RequestPayloads = { [N in keyof typeof RequestSchemas]: Static<(typeof RequestSchemas)[N]> };

/** Answers as a worker sends them, before the host's checks. */
export type WorkerAnswers = { [N in keyof typeof AnswerSchemas]: Static<(typeof AnswerSchemas)[N]> };

/** A revision answer once checked: warnings always there. */
export type RevisionAnswer = Required<Static<typeof RevisionAnswerSchema>>;

type CheckedBatchEntry<E> = E extends { result: unknown } ? Omit<E, 'result'> & { result: RevisionAnswer } : E;

/** Answers once the host has checked them: optional fields filled in, one batch result per key asked. */
export type ResponsePayloads = Omit<WorkerAnswers, 'check-package-connection' | 'latest-revision' | 'latest-revision-since' | 'latest-revisions-since'> & {
  'check-package-connection': Required<Static<typeof PackageCheckAnswerSchema>>;
  'latest-revision': RevisionAnswer;
  'latest-revision-since': RevisionAnswer;
  'latest-revisions-since': { results: CheckedBatchEntry<Static<typeof BatchEntrySchema>>[] };
};

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
export type PluginDescriptor = Static<typeof PluginDescriptorSchema>;

/** host → worker */
export type HostMessage = Static<typeof HostMessageSchema>;

/** worker → host */
export type WorkerMessage = Static<typeof WorkerMessageSchema>;

/**
 * The worker's own isolate, sampled inside it, in bytes. `external` includes `array_buffers`, so
 * a worker holds `heap_used + external`; `peak_total` is the most it held since it started.
 */
export type WorkerMemorySample = Static<typeof WorkerMemorySampleSchema>;

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
  /** Log levels the host writes: the worker sends no message for the others (a debug line on every poll cost a message each). */
  logLevels: ('debug' | 'info' | 'warn' | 'error')[];
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
