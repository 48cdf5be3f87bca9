import { ActionButton } from '../action-button';
import { roleAtLeast, type Session } from '../session';
import { approveStage, type Pipeline, type Run, type StageRun } from './dashboard-data';

/** Each state has a word and a shape as well as a colour: status is never told by colour alone. */
export const STATES: Record<StageRun['state'], { symbol: string; text: string }> = {
  passed: { symbol: '✓', text: 'Passed' },
  failed: { symbol: '✕', text: 'Failed' },
  running: { symbol: '◐', text: 'Running' },
  scheduled: { symbol: '◌', text: 'Scheduled' },
  awaiting_approval: { symbol: '⏸', text: 'Waiting for approval' },
  not_run: { symbol: '–', text: 'Not run' },
  cancelled: { symbol: '⊘', text: 'Cancelled' },
};

/** The same rule the server applies: operators and admins, narrowed by the stage's own roles and users. */
export function mayApprove(session: Session, pipeline: Pipeline, stage: string): boolean {
  if (!roleAtLeast(session.role, 'operator')) return false;
  const approval = pipeline.stages.find((s) => s.name === stage)?.approval;
  if (approval?.type !== 'manual') return true;
  const roles = approval.roles ?? [];
  const users = approval.users ?? [];
  if (roles.length === 0 && users.length === 0) return true;
  return users.includes(session.name) || roles.some((role) => roleAtLeast(session.role, role));
}

interface StageCellProps {
  session: Session;
  pipeline: Pipeline;
  run: Run;
  stage: StageRun;
  onChanged: (run: Run) => void;
}

export function StageCell({ session, pipeline, run, stage, onChanged }: StageCellProps) {
  const { symbol, text } = STATES[stage.state];
  const approvable = stage.state === 'awaiting_approval' && stage.approvable && mayApprove(session, pipeline, stage.name);
  return (
    <li class={`stage state-${stage.state}`}>
      <span class="symbol" aria-hidden="true">
        {symbol}
      </span>
      <span class="stage-name">{stage.name}</span>
      <span class="state-text">{text}</span>
      {stage.approved_by !== null && stage.approval_type === 'manual' && <span class="approver">approved by {stage.approved_by}</span>}
      {approvable && (
        <ActionButton
          text="Approve"
          name={`Approve ${stage.name} of ${pipeline.name} run ${run.label}`}
          busyText="Approving…"
          act={async () => onChanged(await approveStage(pipeline.name, run.counter, stage.name))}
        />
      )}
    </li>
  );
}
