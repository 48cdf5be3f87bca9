import { NotFound } from '../../domain-errors';
import type { PluginHost } from '../../plugins/plugin-host';
import { PluginRefusal, type PluginInfo } from '../../plugins/plugin-info';
import type { PluginRestarts } from '../../materials/plugin-restarts';
import { presentPlugin, presentRefusal } from '../presenters';
import { Type } from '@sinclair/typebox';
import { defineRoute, type RouteDefinition } from '../route';
import { Plugin, ref } from '../schemas';

/** What these routes need of the plugin host. */
export type PluginAdministration = Pick<PluginHost, 'plugins' | 'plugin' | 'refused'>;

const PLUGIN_ID = { id: Type.String({ pattern: '^[a-z][a-z0-9-]*$' }) };

/** Loaded plugins, their health and their configuration schemas. */
export function pluginRoutes(host: PluginAdministration, restarts: PluginRestarts): RouteDefinition[] {
  const find = (id: string): PluginInfo => {
    const plugin = host.plugin(id);
    if (!plugin) throw new NotFound(`no plugin '${id}' is loaded`);
    return plugin;
  };
  return [
    defineRoute({
      method: 'get',
      path: '/api/plugins',
      operationId: 'listPlugins',
      summary: 'List loaded plugins, and plugin packages that were refused',
      tag: 'plugins',
      access: 'viewer',
      responses: {
        200: {
          description: 'Every loaded plugin (there are few: no paging), and every refused plugin package with the reason.',
          schema: Type.Object(
            { plugins: Type.Array(ref(Plugin)), refused: Type.Array(ref(PluginRefusal)), next_cursor: Type.Null() },
            { additionalProperties: false },
          ),
        },
      },
      async handler() {
        const plugins = [...host.plugins()].sort((a, b) => a.id.localeCompare(b.id));
        return { status: 200, body: { plugins: plugins.map(presentPlugin), refused: host.refused().map(presentRefusal), next_cursor: null } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/plugins/:id',
      operationId: 'getPlugin',
      summary: 'Read a plugin: health, capabilities, configuration schemas',
      tag: 'plugins',
      access: 'viewer',
      params: PLUGIN_ID,
      responses: { 200: { description: 'The plugin.', schema: ref(Plugin) } },
      async handler({ params }) {
        return { status: 200, body: presentPlugin(find(params['id'])) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/plugins/:id/restart',
      operationId: 'restartPlugin',
      summary: 'Start a plugin’s workers afresh (brings a failed plugin back)',
      tag: 'plugins',
      access: 'admin',
      params: PLUGIN_ID,
      responses: { 200: { description: 'The plugin after the restart.', schema: ref(Plugin) } },
      async handler({ params, actor }) {
        return { status: 200, body: presentPlugin(await restarts.restart(params['id'], actor)) };
      },
    }),
  ];
}
