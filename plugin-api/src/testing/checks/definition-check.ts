import { PLUGIN_API_VERSION } from '../../api-version';
import { specProblems } from '../../define-plugin';
import type { ConformanceCheck } from './conformance-check';
import { always } from './conformance-check';

/** A hand-written spec has no apiVersion, which the host accepts; a definition made for another API version it refuses. */
function apiVersionProblems(plugin: unknown): string[] {
  const apiVersion = (plugin as { apiVersion?: unknown } | null)?.apiVersion;
  if (apiVersion === undefined || apiVersion === PLUGIN_API_VERSION) return [];
  return [`apiVersion is ${JSON.stringify(apiVersion)}, but this plugin API is v${PLUGIN_API_VERSION}`];
}

/** The definition is one the host would load. */
export const definitionCheck: ConformanceCheck = {
  name: 'definition',
  title: 'the definition is well-formed',
  applies: always,
  maxCalls: () => 0,
  async run(run) {
    return [...specProblems(run.plugin), ...apiVersionProblems(run.plugin)];
  },
};
