import type { MaterialUsage } from '../../materials/material-usage';
import type { MaterialDirectory } from './pipeline-material-directory';
import type { PipelineStore } from './pipeline-store';

/** Which pipelines name a package or repository in their materials: they block its rename or delete. */
export class PipelineMaterialUsage implements MaterialUsage {
  constructor(
    private readonly pipelines: PipelineStore,
    private readonly materials: MaterialDirectory,
  ) {}

  async pipelinesUsingPackage(packageId: string): Promise<string[]> {
    const pkg = await this.materials.packages.get(packageId);
    const repository = pkg ? await this.materials.repositories.get(pkg.repositoryId) : null;
    if (!pkg || !repository) return [];
    return this.pipelines.usingPackage(repository.name, pkg.name);
  }

  async pipelinesUsingRepository(repositoryId: string): Promise<string[]> {
    const repository = await this.materials.repositories.get(repositoryId);
    return repository ? this.pipelines.usingRepository(repository.name) : [];
  }
}
