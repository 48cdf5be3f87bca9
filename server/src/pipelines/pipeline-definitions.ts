import type { Database } from '../db/database';
import { TABLES, type DbPipelineRow } from '../db/tables';
import type { PipelineDefinition } from './definition';
import { PipelineGraph } from './pipeline-graph';

/** The current definitions of all pipelines, with when each was created, as one graph. */
export async function loadPipelineGraph(db: Database): Promise<{ graph: PipelineGraph; createdAt: Map<string, Date> }> {
  const rows = await db.knex(TABLES.pipelines).select<Pick<DbPipelineRow, 'name' | 'definition' | 'created_at'>[]>('name', 'definition', 'created_at');
  const definitions = new Map(rows.map((row) => [row.name, row.definition as unknown as PipelineDefinition]));
  return { graph: new PipelineGraph(definitions), createdAt: new Map(rows.map((row) => [row.name, row.created_at])) };
}
