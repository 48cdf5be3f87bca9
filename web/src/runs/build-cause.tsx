import type { Run } from './run-data';

/** Why the run exists: what triggered it, and each material's revision (with the data its plugin reported). */
export function BuildCause({ run }: { run: Run }) {
  const { trigger, materials, upstream_packages: upstream = [] } = run.build_cause;
  return (
    <section aria-labelledby="build-cause">
      <h2 id="build-cause">Build cause</h2>
      <p>
        Triggered by <strong>{trigger.by}</strong> ({trigger.kind}){trigger.message ? `: ${trigger.message}` : ''}
      </p>
      <ul class="materials">
        {materials.map((m) =>
          m.type === 'package' ? (
            <li key={m.name}>
              Package <strong>{m.package_name}</strong> from {m.repository_name}: <code>{m.revision}</code>
              {m.changed ? ' (changed)' : ''}
              {m.via_upstream ? ' (through an upstream run)' : ''}
              <RevisionData data={m.data} />
            </li>
          ) : (
            <li key={m.name}>
              Pipeline <strong>{m.pipeline}</strong> run {m.label}, stage {m.stage} (attempt {m.stage_counter}){m.changed ? ' (changed)' : ''}
            </li>
          ),
        )}
        {upstream.map((p) => (
          <li key={`${p.package_id}@${p.revision}`}>
            Package <strong>{p.package_name}</strong> through {p.upstream}: <code>{p.revision}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A revision's data as its plugin reported it (LOCATION, CHECKSUM…). */
export function RevisionData({ data }: { data: Record<string, string> }) {
  const keys = Object.keys(data).sort();
  if (keys.length === 0) return null;
  return (
    <dl class="revision-data">
      {keys.map((key) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>
            <code>{data[key]}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}
