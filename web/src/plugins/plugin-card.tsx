import { ActionButton } from '../action-button';
import { api, dataOf, type Schemas } from '../api/client';
import { StatusBadge, type Status } from '../status-badge';

export type Plugin = Schemas['Plugin'];

/** A word and a shape for each status, as the dashboard's stages have. */
const STATUSES: Record<Plugin['status'], Status> = {
  ok: { symbol: '✓', text: 'OK', look: 'state-passed' },
  restarting: { symbol: '◐', text: 'Restarting', look: 'state-running' },
  failed: { symbol: '✕', text: 'Failed', look: 'state-failed' },
};

const MIB = 1024 * 1024;

function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MiB`;
}

function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

interface PluginCardProps {
  plugin: Plugin;
  mayRestart: boolean;
  onChanged: (plugin: Plugin) => void;
}

/** One plugin: what it is, its status and last error, its workers' memory; Restart for admins. */
export function PluginCard({ plugin, mayRestart, onChanged }: PluginCardProps) {
  const status = STATUSES[plugin.status];
  const headingId = `plugin-${plugin.id}`;
  return (
    <section class="card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {plugin.display_name} <code>{plugin.id}</code>
      </h2>
      <p>
        <StatusBadge status={status} />
      </p>
      <dl class="facts">
        <dt>Version</dt>
        <dd>
          {plugin.version} ({plugin.source}, plugin API {plugin.api_version})
        </dd>
        <dt>Last error</dt>
        <dd>{plugin.last_error === null ? 'None' : `${plugin.last_error}${plugin.last_error_at ? ` (${when(plugin.last_error_at)})` : ''}`}</dd>
        <dt>Memory</dt>
        <dd>
          {plugin.memory === null
            ? 'Not reported yet'
            : `heap ${mib(plugin.memory.heap_used_bytes)}, external ${mib(plugin.memory.external_bytes)}, peak of one worker ${mib(plugin.memory.peak_total_bytes)} (sampled ${when(plugin.memory.sampled_at)})`}
        </dd>
      </dl>
      {mayRestart && (
        <ActionButton
          text="Restart"
          name={`Restart ${plugin.display_name}`}
          busyText="Restarting…"
          act={async () => onChanged(dataOf(await api.POST('/api/plugins/{id}/restart', { params: { path: { id: plugin.id } } })))}
        />
      )}
    </section>
  );
}
