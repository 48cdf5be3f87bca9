import { useCallback, useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api/client';
import { loadAllRuns, loadLatestRuns, loadPipelines, RUNS_SHOWN, type Pipeline, type Run } from '../dashboard/dashboard-data';
import { useLiveEvents } from '../live-events';
import { PageStatus } from '../page-status';
import { PipelineRuns } from '../dashboard/pipeline-runs';
import type { Session } from '../session';

/** What changes a pipeline's runs: each of these names the pipeline in its data. */
const RUN_EVENTS = ['pipeline.run.created', 'stage.run.completed', 'stage.awaiting_approval'] as const;

/** Every pipeline with its latest runs, filterable by name, following the event stream. */
export function Dashboard({ session }: { session: Session }) {
  const [pipelines, setPipelines] = useState<Pipeline[] | null>(null);
  const [runs, setRuns] = useState<Map<string, Run[]>>(new Map());
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<string | null>(null);

  const loadAll = useCallback(async () => {
    const loaded = await loadPipelines();
    setPipelines(loaded);
    setRuns(await loadAllRuns(loaded));
  }, []);
  const refreshPipeline = useCallback(async (name: string) => {
    const latest = await loadLatestRuns(name);
    setRuns((current) => new Map(current).set(name, latest));
  }, []);
  const report = (e: unknown) => setError(messageOf(e));

  useEffect(() => {
    loadAll().catch(report);
  }, [loadAll]);
  const live = useLiveEvents(RUN_EVENTS, (event) => {
    const name = event.data['pipeline'];
    if (typeof name !== 'string') return;
    const known = pipelines?.some((p) => p.name === name) ?? false;
    (known ? refreshPipeline(name) : loadAll()).catch(report);
  });
  const runChanged = (run: Run) => {
    setRuns((current) => {
      const list = (current.get(run.pipeline) ?? []).map((r) => (r.counter === run.counter ? run : r));
      return new Map(current).set(run.pipeline, list.slice(0, RUNS_SHOWN));
    });
  };

  const wanted = filter.trim().toLowerCase();
  const shown = (pipelines ?? []).filter((p) => p.name.toLowerCase().includes(wanted));
  return (
    <>
      <h1>Dashboard</h1>
      <PageStatus live={live} error={error} />
      <div class="filter">
        <label for="pipeline-filter">Filter pipelines by name</label>
        <input id="pipeline-filter" type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
      </div>
      {pipelines === null ? (
        error === null && <p>Loading pipelines…</p>
      ) : pipelines.length === 0 ? (
        <p>No pipelines yet. Create one with POST /api/pipelines or a file in the configuration directory.</p>
      ) : shown.length === 0 ? (
        <p>No pipeline's name contains “{filter.trim()}”.</p>
      ) : (
        shown.map((pipeline) => (
          <PipelineRuns key={pipeline.name} session={session} pipeline={pipeline} runs={runs.get(pipeline.name)} onRunChanged={runChanged} />
        ))
      )}
    </>
  );
}
