import type { Knex } from 'knex';
import type { SecretBox } from '../../security/secret-box';
import type { PipelineDefinition } from './definition';
import { definitionLookups, type DefinitionLookups } from './definition-lookups';
import type { MaterialDirectory } from './pipeline-material-directory';
import type { PipelineStore } from './pipeline-store';
import { decryptVariable } from './secure-environment';

type Queryable = Knex | Knex.Transaction;

/** Loads what validation looks up: repositories with their packages, other pipelines, the secret key. */
export class PipelineLookups {
  constructor(
    private readonly pipelines: PipelineStore,
    private readonly materials: MaterialDirectory,
    private readonly box: SecretBox,
  ) {}

  /** `definitions`: the pipelines to validate against; the stored ones when left out. Read within `trx` when given. */
  async load(definitions?: readonly PipelineDefinition[], trx?: Queryable): Promise<DefinitionLookups> {
    const lookupsFor = await this.factory(trx);
    return lookupsFor(definitions ?? (await this.pipelines.all(trx)).map((p) => p.definition));
  }

  /** Reads repositories and packages once, for validating against several sets of pipelines. */
  async factory(trx?: Queryable): Promise<(definitions: readonly PipelineDefinition[]) => DefinitionLookups> {
    const repositories = await this.materials.repositories.all(trx);
    const packages = await this.materials.repositories.packagesOf(
      repositories.map((r) => r.id),
      trx,
    );
    const named = repositories.map((r) => ({ name: r.name, packages: (packages.get(r.id) ?? []).map((p) => p.name) }));
    const decrypts = (encrypted: string, pipeline: string, variable: string) => this.decrypts(encrypted, pipeline, variable);
    return (definitions) => definitionLookups(named, definitions, decrypts);
  }

  private decrypts(encrypted: string, pipeline: string, variable: string): boolean {
    try {
      decryptVariable(this.box, encrypted, pipeline, variable);
      return true;
    } catch {
      return false;
    }
  }
}
