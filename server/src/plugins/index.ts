export { MemoryPluginStateStore } from './memory-plugin-state-store';
export { PluginCallError } from './plugin-call-error';
export { PluginHost, type BatchRequestItem } from './plugin-host';
export { DEFAULT_RESTART_POLICY, type PluginHostObserver, type PluginHostOptions, type RestartPolicy } from './plugin-host-options';
export type { PluginInfo, PluginRefusal, PluginSource, PluginStatus } from './plugin-info';
export type { PluginMemory } from './plugin-memory';
export { MAX_STATE_KEY_LENGTH, MAX_STATE_VALUE_BYTES, type PluginStateStore } from './plugin-state-store';
export type { ConfigurationMap, HttpClientSettings, ResponsePayloads, RevisionAnswer, WireRevision } from './protocol';
