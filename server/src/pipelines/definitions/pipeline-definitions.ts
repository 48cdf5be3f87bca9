import type { Database } from '../../db/database';
import { PipelineGraph } from './pipeline-graph';
import { PipelineStore } from './pipeline-store';

/** The current definitions of all pipelines, with when each was created, as one graph. */
export async function loadPipelineGraph(db: Database): Promise<{ graph: PipelineGraph; createdAt: Map<string, Date> }> {
  const rows = await new PipelineStore(db).definitions();
  const definitions = new Map(rows.map((row) => [row.name, row.definition]));
  return { graph: new PipelineGraph(definitions), createdAt: new Map(rows.map((row) => [row.name, row.createdAt])) };
}
