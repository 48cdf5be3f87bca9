import { api, dataOf, type Schemas } from '../api/client';
import type { Pipeline, Run, StageRun } from '../dashboard/dashboard-data';
import { mayApprove } from '../dashboard/stage-cell';
import type { Session } from '../session';

export type ValueStream = Schemas['ValueStream'];

/** How many of the package's newest revisions the board shows. */
export const REVISIONS_SHOWN = 20;
const PARALLEL_READS = 6;

/** A promotion level: one stage of one pipeline of the value stream. */
export interface Level {
  pipeline: string;
  stage: string;
}

/** What pressing Promote does: approve the waiting stage of a run, or trigger the pipeline with these material revisions. */
export type Promotion = { kind: 'approve'; counter: number } | { kind: 'trigger'; revisions: Record<string, string> };

export interface Cell {
  level: Level;
  state: StageRun['state'];
  run: Run | null;
  stage: StageRun | null;
  promotion: Promotion | null;
}

export interface BoardRow {
  revision: string;
  detectedAt: string;
  cells: Cell[];
}

export interface Board {
  stream: ValueStream;
  levels: Level[];
  rows: BoardRow[];
}

/** Every level of the value stream, pipeline by pipeline in graph order, each pipeline's stages in order. */
export function levelsOf(stream: ValueStream): Level[] {
  return stream.pipelines.flatMap((p) => p.stages.map((s) => ({ pipeline: p.name, stage: s.name })));
}

type Material = Pipeline['materials'][number];

export function materialName(material: Material): string {
  if (material.name) return material.name;
  return 'package' in material ? `${material.package.repository}_${material.package.package}` : material.pipeline;
}

/** The newest run of a pipeline among those that carried the revision (a deleted pipeline's runs aside). */
function newestRun(runs: Run[], pipeline: string): Run | null {
  let newest: Run | null = null;
  for (const run of runs) if (run.pipeline === pipeline && !run.pipeline_deleted && (newest === null || run.counter > newest.counter)) newest = run;
  return newest;
}

/**
 * The material revisions that run a pipeline with exactly this package revision: the revision itself
 * for the package's own material, and for an upstream pipeline the newest of its runs that carried the
 * revision and passed the stage the material follows. Null when some upstream has no such run.
 */
function triggerRevisions(definition: Pipeline, stream: ValueStream, revision: string, carrying: Run[]): Record<string, string> | null {
  const revisions: Record<string, string> = {};
  let carries = false;
  for (const material of definition.materials) {
    if ('package' in material) {
      if (material.package.repository === stream.package.repository && material.package.package === stream.package.name) {
        revisions[materialName(material)] = revision;
        carries = true;
      }
      continue;
    }
    const passed = carrying
      .filter((run) => run.pipeline === material.pipeline && !run.pipeline_deleted && run.stages.some((s) => s.name === material.stage && s.state === 'passed'))
      .sort((a, b) => b.counter - a.counter)[0];
    if (passed === undefined) continue;
    revisions[materialName(material)] = String(passed.counter);
    carries = true;
  }
  return carries ? revisions : null;
}

const NOT_DONE: readonly StageRun['state'][] = ['not_run', 'failed', 'cancelled'];

function cellOf(
  session: Session,
  level: Level,
  first: boolean,
  definition: Pipeline | undefined,
  stream: ValueStream,
  revision: string,
  carrying: Run[],
): Cell {
  const run = newestRun(carrying, level.pipeline);
  const stage = run?.stages.find((s) => s.name === level.stage) ?? null;
  const state = stage?.state ?? 'not_run';
  let promotion: Promotion | null = null;
  if (definition !== undefined && run !== null && stage?.state === 'awaiting_approval' && stage.approvable && mayApprove(session, definition, stage.name)) {
    promotion = { kind: 'approve', counter: run.counter };
  } else if (definition !== undefined && first && NOT_DONE.includes(state) && run?.status !== 'active' && run?.status !== 'waiting' && mayTrigger(session)) {
    const revisions = triggerRevisions(definition, stream, revision, carrying);
    if (revisions !== null) promotion = { kind: 'trigger', revisions };
  }
  return { level, state, run, stage, promotion };
}

function mayTrigger(session: Session): boolean {
  return session.role === 'operator' || session.role === 'admin';
}

/** The board from what was read: a row per revision, newest first, a cell per level. */
export function boardOf(
  session: Session,
  stream: ValueStream,
  definitions: Map<string, Pipeline>,
  revisions: { revision: string; detected_at: string }[],
  carried: Map<string, Run[]>,
): Board {
  const levels = levelsOf(stream);
  const firsts = new Set(stream.pipelines.map((p) => `${p.name}\n${p.stages[0]?.name ?? ''}`));
  const rows = revisions.map(({ revision, detected_at }) => {
    const carrying = carried.get(revision) ?? [];
    const cells = levels.map((level) =>
      cellOf(session, level, firsts.has(`${level.pipeline}\n${level.stage}`), definitions.get(level.pipeline), stream, revision, carrying),
    );
    return { revision, detectedAt: detected_at, cells };
  });
  return { stream, levels, rows };
}

export async function loadValueStream(packageId: string): Promise<ValueStream> {
  return dataOf(await api.GET('/api/value-stream', { params: { query: { package_id: packageId } } }));
}

async function inParallel<T, R>(items: T[], read: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await read(items[i]);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, items.length) }, worker));
  return results;
}

/** The definition of each pipeline of the value stream, by name. */
export async function loadDefinitions(stream: ValueStream): Promise<Map<string, Pipeline>> {
  const definitions = await inParallel(stream.pipelines, async (p) => dataOf(await api.GET('/api/pipelines/{name}', { params: { path: { name: p.name } } })));
  return new Map(definitions.map((d) => [d.name, d]));
}

/** Reads the value stream, its pipelines, the newest revisions and the runs that carried each. */
export async function loadBoard(session: Session, packageId: string): Promise<Board> {
  const [stream, page] = await Promise.all([
    loadValueStream(packageId),
    api.GET('/api/packages/{id}/revisions', { params: { path: { id: packageId }, query: { limit: String(REVISIONS_SHOWN) } } }).then(dataOf),
  ]);
  const definitions = await loadDefinitions(stream);
  const carried = await inParallel(page.revisions, async (r) =>
    dataOf(await api.GET('/api/packages/{id}/revisions/{revision}/promotions', { params: { path: { id: packageId, revision: r.revision } } })),
  );
  return boardOf(session, stream, definitions, page.revisions, new Map(carried.map((c) => [c.revision, c.runs])));
}

/** Promotes: approves the waiting stage, or triggers the pipeline with exactly these revisions. */
export async function promote(level: Level, promotion: Promotion): Promise<void> {
  if (promotion.kind === 'approve') {
    dataOf(
      await api.POST('/api/pipelines/{name}/runs/{counter}/stages/{stage}/approve', {
        params: { path: { name: level.pipeline, counter: String(promotion.counter), stage: level.stage } },
      }),
    );
    return;
  }
  dataOf(await api.POST('/api/pipelines/{name}/runs', { params: { path: { name: level.pipeline } }, body: { revisions: promotion.revisions } }));
}
