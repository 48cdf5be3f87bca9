import type { PluginHost } from '../plugins/plugin-host';
import type { PluginInfo } from '../plugins/plugin-info';
import { NotFound } from '../domain-errors';
import type { AuditStore } from '../security/audit-store';
import type { Actor } from '../security/roles';

/** Restarting a plugin on an admin's request, recorded in the audit log. */
export class PluginRestarts {
  constructor(
    private readonly host: Pick<PluginHost, 'plugin' | 'restart'>,
    private readonly audit: AuditStore,
  ) {}

  async restart(pluginId: string, actor: Actor): Promise<PluginInfo> {
    if (!this.host.plugin(pluginId)) throw new NotFound(`no plugin '${pluginId}' is loaded`);
    const plugin = await this.host.restart(pluginId);
    await this.audit.record({ actor: actor.name, action: 'plugin.restart', resourceType: 'plugin', resourceId: pluginId, details: { status: plugin.status } });
    return plugin;
  }
}
