import { TriggerInput } from '../pipelines/input-schemas';
import { BuildCause, MaterialRevision } from '../pipelines/runs/run-model';
import { Run, StageRun, ValueStream } from '../pipelines/runs/run-schemas';

/** Schemas of runs, stages and the promotion record, for the OpenAPI document's components. */
export const RUN_SCHEMAS = [TriggerInput, MaterialRevision, BuildCause, StageRun, Run, ValueStream];
