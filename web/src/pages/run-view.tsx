import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError, dataOf, messageOf } from '../api/client';
import type { Pipeline } from '../dashboard/dashboard-data';
import { LiveNote, useLiveEvents } from '../live-events';
import { BuildCause } from '../runs/build-cause';
import { loadRun, type Run } from '../runs/run-data';
import { StageTimeline } from '../runs/stage-timeline';
import type { Session } from '../session';

/** What changes a run's stages: each names the pipeline and the run's counter in its data. */
const STAGE_EVENTS = ['stage.run.completed', 'stage.awaiting_approval'] as const;

interface RunViewProps {
  session: Session;
  pipeline: string;
  counter: number;
}

/** One run: why it exists, its stages with approvals, and each job's console, following the event stream. */
export function RunView({ session, pipeline, counter }: RunViewProps) {
  const [run, setRun] = useState<Run | null>(null);
  const [config, setConfig] = useState<Pipeline | null>(null);
  const [error, setError] = useState<string | null>(null);
  const report = (e: unknown) => setError(messageOf(e));
  const refresh = useCallback(() => loadRun(pipeline, counter).then(setRun), [pipeline, counter]);

  useEffect(() => {
    setRun(null);
    setError(null);
    refresh().catch(report);
    loadPipeline(pipeline).then(setConfig, report);
  }, [pipeline, refresh]);
  const live = useLiveEvents(STAGE_EVENTS, (event) => {
    if (event.data['pipeline'] === pipeline && event.data['counter'] === counter) refresh().catch(report);
  });

  return (
    <>
      <h1>
        {pipeline} run {run?.label ?? counter}
      </h1>
      <LiveNote live={live} error={error} />
      {run === null ? (
        error === null && <p>Loading the run…</p>
      ) : (
        <>
          <p>
            {run.status === 'completed' ? 'Completed' : run.status === 'active' ? 'In progress' : 'Waiting'}; created{' '}
            <time dateTime={run.created_at}>{new Date(run.created_at).toLocaleString()}</time>
            {run.pipeline_deleted ? '. Its pipeline was deleted: the record stays, read-only.' : ''}
          </p>
          <BuildCause run={run} />
          <StageTimeline session={session} pipeline={config} run={run} onChanged={setRun} />
        </>
      )}
    </>
  );
}

/** The pipeline's configuration (who may approve each stage), or null when it no longer exists. */
async function loadPipeline(name: string): Promise<Pipeline | null> {
  try {
    return dataOf(await api.GET('/api/pipelines/{name}', { params: { path: { name } } }));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}
