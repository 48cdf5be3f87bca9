import { useState } from 'preact/hooks';
import { ActionButton } from '../action-button';
import { Link } from '../router';
import { StatusBadge, type Status } from '../status-badge';
import type { Schemas } from '../api/client';
import { EditPackage } from './edit-package';
import { RevisionHistory } from './revision-history';
import { outcomeText, pollNow, type Package } from './repositories-data';

/** Poll health in a word and a shape as well as a colour. */
const HEALTH: Record<Package['poll']['status'], Status> = {
  ok: { symbol: '✓', text: 'OK', look: 'state-passed' },
  failing: { symbol: '✕', text: 'Failing', look: 'state-failed' },
  pending: { symbol: '◌', text: 'Not polled yet', look: 'state-scheduled' },
  disabled: { symbol: '⊘', text: 'Automatic polling off', look: 'state-not_run' },
  plugin_missing: { symbol: '!', text: 'Plugin missing', look: 'state-failed' },
};

function when(iso: string | null): string {
  return iso === null ? 'never' : new Date(iso).toLocaleString();
}

interface PackageRowProps {
  pkg: Package;
  mayPoll: boolean;
  onPolled: (id: string) => Promise<void>;
  /** For an admin, where the package's plugin is loaded: its edit form. */
  edit?: { plugin: Schemas['Plugin']; onChanged: (pkg: Package) => void };
}

/** One package: poll health (with the error and its kind when failing), its latest revision, Poll now, its history, and Edit for admins. */
export function PackageRow({ pkg, mayPoll, onPolled, edit }: PackageRowProps) {
  const [outcome, setOutcome] = useState<string | null>(null);
  const health = HEALTH[pkg.poll.status];
  const latest = pkg.latest_revision;
  return (
    <li class="package">
      <span class="package-name">{pkg.name}</span>
      <StatusBadge status={health} />
      {pkg.poll.status === 'failing' && (
        <span class="error-text">
          {pkg.poll.last_error} ({pkg.poll.error_kind}, {pkg.poll.consecutive_failures} in a row)
        </span>
      )}
      <span>
        Latest: {latest === null ? 'no revision yet' : <code>{latest.revision}</code>}
        {latest !== null && `, seen ${when(latest.detected_at)}`}
      </span>
      <span class="muted">Last polled {when(pkg.poll.last_polled_at)}</span>
      <Link href={`/packages/${pkg.id}/board`}>Promotion board of {pkg.name}</Link>
      {mayPoll && (
        <ActionButton
          text="Poll now"
          name={`Poll now ${pkg.name}`}
          busyText="Polling…"
          act={async () => {
            setOutcome(null);
            const answer = await pollNow(pkg.id);
            setOutcome(outcomeText(answer));
            await onPolled(pkg.id);
          }}
        />
      )}
      {outcome !== null && <span role="status">{outcome}</span>}
      <RevisionHistory packageId={pkg.id} name={pkg.name} />
      {edit !== undefined && <EditPackage pkg={pkg} plugin={edit.plugin} onChanged={edit.onChanged} />}
    </li>
  );
}
