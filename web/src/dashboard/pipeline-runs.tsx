import { Link } from '../router';
import { runPath } from '../runs/run-data';
import type { Session } from '../session';
import { carriedRevisions, type Pipeline, type Run } from './dashboard-data';
import { StageCell } from './stage-cell';

interface PipelineRunsProps {
  session: Session;
  pipeline: Pipeline;
  runs: Run[] | undefined;
  onRunChanged: (run: Run) => void;
}

/** One pipeline: its state, and its latest runs with the revisions they carry and each stage's state. */
export function PipelineRuns({ session, pipeline, runs, onRunChanged }: PipelineRunsProps) {
  const headingId = `pipeline-${pipeline.name}`;
  const { paused, locked } = pipeline.status;
  return (
    <section class="pipeline" aria-labelledby={headingId}>
      <h3 id={headingId}>{pipeline.name}</h3>
      {paused !== null && (
        <p class="note">
          Paused by {paused.by}
          {paused.reason ? `: ${paused.reason}` : ''}
        </p>
      )}
      {locked && <p class="note">Locked: a run is in progress, new runs wait for it.</p>}
      {runs === undefined ? (
        <p>Loading runs…</p>
      ) : runs.length === 0 ? (
        <p>No runs yet.</p>
      ) : (
        <ol class="runs" aria-label={`Latest runs of ${pipeline.name}`}>
          {runs.map((run) => (
            <li key={run.counter} class="run">
              <div class="run-head">
                <span class="label">
                  <Link href={runPath(pipeline.name, run.counter)}>
                    Run <strong>{run.label}</strong>
                  </Link>
                </span>
                <RevisionList run={run} />
              </div>
              <ul class="stages" aria-label={`Stages of run ${run.label}`}>
                {run.stages.map((stage) => (
                  <StageCell key={stage.name} session={session} pipeline={pipeline} run={run} stage={stage} onChanged={onRunChanged} />
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function RevisionList({ run }: { run: Run }) {
  const revisions = carriedRevisions(run);
  if (revisions.length === 0) return null;
  return (
    <ul class="revisions" aria-label={`Package revisions of run ${run.label}`}>
      {revisions.map(({ name, revision }) => (
        <li key={`${name}@${revision}`}>
          {name} <code>{revision}</code>
        </li>
      ))}
    </ul>
  );
}
