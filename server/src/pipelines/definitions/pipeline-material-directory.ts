/** A repository or package as pipelines see it: an id and the name definitions use. */
import type { Knex } from 'knex';

type Queryable = Knex | Knex.Transaction;

export interface NamedMaterial {
  id: string;
  name: string;
}

/**
 * The read-only view of repositories and packages that pipelines need. The materials stores
 * satisfy it as they are, so pipelines depend on this shape, never on how materials work.
 */
export interface MaterialDirectory {
  repositories: {
    all(trx?: Queryable): Promise<NamedMaterial[]>;
    get(id: string): Promise<NamedMaterial | null>;
    /** The packages of each repository. */
    packagesOf(repositoryIds: string[], trx?: Queryable): Promise<Map<string, NamedMaterial[]>>;
  };
  packages: {
    get(id: string): Promise<(NamedMaterial & { repositoryId: string }) | null>;
  };
}
