/**
 * How the benchmark's packages sit in its repositories, known alike to the fake repository
 * process and to the runner: package i lives in repository i mod R.
 */
export interface Layout {
  packages: number;
  repositories: number;
}

export const repositoryName = (r: number): string => `bench-repo-${r}`;
export const packageName = (i: number): string => `pkg-${i}`;
export const repositoryOf = (layout: Layout, i: number): number => i % layout.repositories;

/** Indexes of the packages in repository r. */
export function packagesIn(layout: Layout, r: number): number[] {
  const indexes: number[] = [];
  for (let i = r; i < layout.packages; i += layout.repositories) indexes.push(i);
  return indexes;
}

/** Versions every package starts with, oldest first. */
export const INITIAL_VERSIONS = ['1.0.0', '1.1.0', '1.2.0'];
