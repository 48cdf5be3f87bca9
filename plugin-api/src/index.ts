export { PLUGIN_API_VERSION } from './api-version';
export {
  KEY_PATTERN,
  PROPERTY_TYPES,
  resolveProperty,
  validateAgainstProperties,
  valueProblem,
  type Configuration,
  type ConfigurationProperty,
  type PropertyType,
  type ResolvedProperty,
  type ValidationError,
} from './configuration';
export type { HttpClient, HttpRequest, HttpResponse, KeyValueStore, PluginContext, PluginLogger, SettingValue } from './context';
export {
  definePlugin,
  specProblems,
  type BatchAnswer,
  type BatchItem,
  type Capabilities,
  type CheckResult,
  type FetchCredentials,
  type PackageCheckResult,
  type PluginDefinition,
  type PluginOperations,
  type PluginSpec,
  type SettingDeclaration,
} from './define-plugin';
export { coversReservedVariable } from './spec-problems';
export { PermanentError, PluginError, TransientError, toWireError, type ErrorKind, type WireError } from './errors';
export { parseRetryAfter } from './retry-after';
export { revisionProblems, type PackageRevision, type RevisionResult } from './revision';
export { REVISION_LIMITS, cutText, fitRevision, utf8Bytes } from './revision-limits';
