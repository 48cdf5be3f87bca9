import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { messageOf } from '../api/client';
import { groupPipelines, loadDashboard, loadLatestRuns, loadPipeline, RUNS_SHOWN, type Pipeline, type Run } from '../dashboard/dashboard-data';
import { PipelineGroupSection } from '../dashboard/pipeline-group';
import { LiveNote, useLiveEvents } from '../live-events';
import type { Session } from '../session';

/** What changes a pipeline's runs (and with them whether it is locked): each of these names the pipeline in its data. */
const RUN_EVENTS = ['pipeline.run.created', 'stage.run.completed', 'stage.awaiting_approval'];
/** What changes a pipeline's status alone. */
const STATUS_EVENTS = ['pipeline.paused', 'pipeline.unpaused'];
const FOLLOWED = [...RUN_EVENTS, ...STATUS_EVENTS];

/** Every pipeline under its group's heading with its latest runs, filterable by name, following the event stream. */
export function Dashboard({ session }: { session: Session }) {
  const [pipelines, setPipelines] = useState<Pipeline[] | null>(null);
  const [runs, setRuns] = useState<Map<string, Run[]>>(new Map());
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<string | null>(null);

  const loadAll = useCallback(async () => {
    const loaded = await loadDashboard();
    setPipelines(loaded.pipelines);
    setRuns(loaded.runs);
  }, []);
  // Events come in order, answers may not: an answer older than the pipeline's latest request is dropped.
  const statusRequests = useRef(new Map<string, number>());
  const refreshStatus = useCallback(async (name: string) => {
    const asked = (statusRequests.current.get(name) ?? 0) + 1;
    statusRequests.current.set(name, asked);
    const latest = await loadPipeline(name);
    if (statusRequests.current.get(name) !== asked) return;
    setPipelines((current) => current && current.map((p) => (p.name === name ? latest : p)));
  }, []);
  const refreshRuns = useCallback(async (name: string) => {
    const latest = await loadLatestRuns(name);
    setRuns((current) => new Map(current).set(name, latest));
  }, []);
  const report = (e: unknown) => setError(messageOf(e));

  useEffect(() => {
    loadAll().catch(report);
  }, [loadAll]);
  const live = useLiveEvents(FOLLOWED, (event) => {
    const name = event.data['pipeline'];
    if (typeof name !== 'string') return;
    const known = pipelines?.some((p) => p.name === name) ?? false;
    if (!known) loadAll().catch(report);
    else if (STATUS_EVENTS.includes(event.type)) refreshStatus(name).catch(report);
    else Promise.all([refreshStatus(name), refreshRuns(name)]).catch(report);
  });
  const runChanged = useCallback((run: Run) => {
    setRuns((current) => {
      const list = (current.get(run.pipeline) ?? []).map((r) => (r.counter === run.counter ? run : r));
      return new Map(current).set(run.pipeline, list.slice(0, RUNS_SHOWN));
    });
  }, []);

  const wanted = filter.trim().toLowerCase();
  const groups = useMemo(() => groupPipelines((pipelines ?? []).filter((p) => p.name.toLowerCase().includes(wanted))), [pipelines, wanted]);
  return (
    <>
      <h1>Dashboard</h1>
      <div class="filter">
        <label for="pipeline-filter">Filter pipelines by name</label>
        <input id="pipeline-filter" type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
      </div>
      <LiveNote live={live} error={error} />
      {pipelines === null ? (
        error === null && <p>Loading pipelines…</p>
      ) : pipelines.length === 0 ? (
        <p>No pipelines yet. Create one with POST /api/pipelines or a file in the configuration directory.</p>
      ) : groups.length === 0 ? (
        <p>No pipeline's name contains “{filter.trim()}”.</p>
      ) : (
        groups.map((group) => <PipelineGroupSection key={group.name} session={session} group={group} runs={runs} onRunChanged={runChanged} />)
      )}
    </>
  );
}
