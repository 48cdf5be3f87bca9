import { useState } from 'preact/hooks';
import { ActionButton } from '../action-button';
import { mayApprove, STATES } from '../dashboard/stage-cell';
import type { Pipeline } from '../dashboard/dashboard-data';
import { roleAtLeast, type Session } from '../session';
import { JobConsole } from './job-console';
import { actOnStage, consoleUrl, type JobRun, type Run, type StageAction, type StageRun } from './run-data';

interface StageTimelineProps {
  session: Session;
  /** The pipeline's configuration, or null when it was deleted: its runs stay, read-only. */
  pipeline: Pipeline | null;
  run: Run;
  onChanged: (run: Run) => void;
}

/** Each stage in order: its state, when, who approved or cancelled it, its jobs with their consoles, and what an operator may do. */
export function StageTimeline({ session, pipeline, run, onChanged }: StageTimelineProps) {
  return (
    <section aria-labelledby="stages">
      <h2 id="stages">Stages</h2>
      <ol class="timeline">
        {run.stages.map((stage) => (
          <li key={stage.name} class={`stage-run state-${stage.state}`}>
            <StageHead stage={stage} />
            <StageActions session={session} pipeline={pipeline} run={run} stage={stage} onChanged={onChanged} />
            {stage.jobs.length > 0 && (
              <ul class="jobs" aria-label={`Jobs of ${stage.name}`}>
                {stage.jobs.map((job) => (
                  <JobEntry key={job.name} run={run} stage={stage} job={job} />
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

/**
 * A job, its console shown on request (open from the start while it runs). Only an open console
 * is followed: each follower holds a connection, and a browser opens only a few to one server.
 */
function JobEntry({ run, stage, job }: { run: Run; stage: StageRun; job: JobRun }) {
  const [open, setOpen] = useState(job.state === 'running');
  return (
    <li>
      <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>
          Job <strong>{job.name}</strong>: {job.state}
          {job.result ? ` (${job.result})` : ''}
        </summary>
        {open && (
          <JobConsole
            key={`${stage.counter ?? 0}`}
            url={consoleUrl(run.pipeline, run.counter, stage.name, job.name)}
            label={`Console of ${stage.name}/${job.name}`}
          />
        )}
      </details>
    </li>
  );
}

function StageHead({ stage }: { stage: StageRun }) {
  const { symbol, text } = STATES[stage.state];
  return (
    <div class="stage-head">
      <span class="symbol" aria-hidden="true">
        {symbol}
      </span>
      <h3 class="stage-name">{stage.name}</h3>
      <span class="state-text">{text}</span>
      {stage.counter !== null && stage.counter > 1 && <span>attempt {stage.counter}</span>}
      <dl class="times">
        <Time term="Scheduled" at={stage.scheduled_at} />
        <Time term="Started" at={stage.started_at} />
        <Time term="Completed" at={stage.completed_at} />
        {stage.approval_type === 'manual' && stage.approved_by !== null && <Time term={`Approved by ${stage.approved_by}`} at={stage.approved_at} />}
        {stage.cancelled_by != null && (
          <div>
            <dt>Cancelled by</dt>
            <dd>{stage.cancelled_by}</dd>
          </div>
        )}
      </dl>
    </div>
  );
}

function Time({ term, at }: { term: string; at: string | null }) {
  if (at === null) return null;
  return (
    <div>
      <dt>{term}</dt>
      <dd>
        <time dateTime={at}>{new Date(at).toLocaleString()}</time>
      </dd>
    </div>
  );
}

const ACTION_TEXT: Record<StageAction, { text: string; busy: string }> = {
  approve: { text: 'Approve', busy: 'Approving…' },
  cancel: { text: 'Cancel', busy: 'Cancelling…' },
  rerun: { text: 'Rerun', busy: 'Starting a rerun…' },
};

/** The actions the API offers on this stage now, for those allowed them; a failure shows beside its button. */
function StageActions({ session, pipeline, run, stage, onChanged }: StageTimelineProps & { stage: StageRun }) {
  if (pipeline === null || run.pipeline_deleted || !roleAtLeast(session.role, 'operator')) return null;
  const actions: StageAction[] = [];
  if (stage.state === 'awaiting_approval' && stage.approvable && mayApprove(session, pipeline, stage.name)) actions.push('approve');
  if (stage.state === 'running' || stage.state === 'scheduled') actions.push('cancel');
  if (stage.state === 'passed' || stage.state === 'failed' || stage.state === 'cancelled') actions.push('rerun');
  if (actions.length === 0) return null;
  return (
    <div class="stage-actions">
      {actions.map((action) => (
        <ActionButton
          key={action}
          text={ACTION_TEXT[action].text}
          name={`${ACTION_TEXT[action].text} ${stage.name} of ${run.pipeline} run ${run.label}`}
          busyText={ACTION_TEXT[action].busy}
          act={async () => onChanged(await actOnStage(action, run.pipeline, run.counter, stage.name))}
        />
      ))}
    </div>
  );
}
