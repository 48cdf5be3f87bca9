import type { Session } from '../session';
import type { PipelineGroup, Run } from './dashboard-data';
import { PipelineRuns } from './pipeline-runs';

interface PipelineGroupProps {
  session: Session;
  group: PipelineGroup;
  runs: Map<string, Run[]>;
  onRunChanged: (run: Run) => void;
}

/** One pipeline group: its heading, then each of its pipelines with its latest runs. */
export function PipelineGroupSection({ session, group, runs, onRunChanged }: PipelineGroupProps) {
  const headingId = `group-${group.name}`;
  return (
    <section class="pipeline-group" aria-labelledby={headingId}>
      <h2 id={headingId}>{group.name}</h2>
      {group.pipelines.map((pipeline) => (
        <PipelineRuns key={pipeline.name} session={session} pipeline={pipeline} runs={runs.get(pipeline.name)} onRunChanged={onRunChanged} />
      ))}
    </section>
  );
}
