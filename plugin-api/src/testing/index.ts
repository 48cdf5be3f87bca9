/**
 * The conformance kit for plugin authors: run it in jest against a plugin and a fixture
 * repository. Nothing here is needed at run time by a plugin or by the host.
 *
 * @example
 * ```ts
 * import { describeConformance } from '@baton/plugin-api/testing';
 * ```
 */
export { describeConformance } from './describe-conformance';
export { runConformance } from './run-conformance';
export { DEFAULT_TIMEOUT_MS, type ConformanceCheckName, type ConformanceFailure, type ConformanceOptions, type ConformanceReport } from './conformance-options';
export { createTestContext, defaultSettings, type TestContext, type TestContextOptions } from './create-test-context';
export { CollectingLogger } from './collecting-logger';
export { FetchHttpClient } from './fetch-http-client';
export { MemoryKeyValueStore } from './memory-key-value-store';
export { storedRevision, thrown } from './test-helpers';
export { parseRetryAfter } from '../retry-after';
