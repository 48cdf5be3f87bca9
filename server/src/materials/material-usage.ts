/**
 * Who uses a package or repository, asked before one is deleted or renamed. Pipelines implement
 * it; materials only know this port, so they never depend on who consumes them.
 */
export interface MaterialUsage {
  /** Names of the pipelines with a material on this package, sorted. */
  pipelinesUsingPackage(packageId: string): Promise<string[]>;
  /** Names of the pipelines with a material on any package of this repository, sorted. */
  pipelinesUsingRepository(repositoryId: string): Promise<string[]>;
}

/** Nothing uses anything: for a server without pipelines, and for tests of materials alone. */
export const NO_MATERIAL_USAGE: MaterialUsage = {
  pipelinesUsingPackage: async () => [],
  pipelinesUsingRepository: async () => [],
};
