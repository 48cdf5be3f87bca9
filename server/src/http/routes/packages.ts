import { Type } from '@sinclair/typebox';
import { pageRequest } from '../../db/pagination';
import { InvalidInput } from '../../domain-errors';
import type { MaterialPackage } from '../../materials/model';
import { PackageInput, UnsavedPackageInput } from '../../materials/input-schemas';
import { ConnectionCheck } from '../../materials/plugin-calls';
import type { PackageService } from '../../materials/package-service';
import type { PollStatusReader } from '../../materials/polling/poll-status';
import { etagOf } from '../../versions';
import { presentPackage } from '../presenters';
import { defineRoute, type RouteDefinition } from '../route';
import { collection, ETAG_HEADER, ID_PARAM, INCLUDE_DELETED_QUERY, includesDeleted, Package, PAGE_QUERY, Problem, ref, UUID_PATTERN } from '../schemas';

/** Packages: register, change, delete, check the connection. */
export function packageRoutes(service: PackageService, polls: PollStatusReader): RouteDefinition[] {
  const presentAll = async (packages: MaterialPackage[]) => {
    const views = await polls.views(packages);
    return packages.map((pkg) => presentPackage(pkg, views.get(pkg.id)!));
  };
  const single = async (status: number, pkg: MaterialPackage) => ({
    status,
    body: (await presentAll([pkg]))[0],
    headers: { ETag: etagOf(pkg.configVersion) },
  });
  return [
    defineRoute({
      method: 'get',
      path: '/api/packages',
      operationId: 'listPackages',
      summary: 'List packages, by name',
      tag: 'packages',
      access: 'viewer',
      query: {
        ...PAGE_QUERY,
        ...INCLUDE_DELETED_QUERY,
        repository_id: { description: 'Only the packages of this repository.', schema: Type.String({ format: 'uuid' }) },
      },
      responses: { 200: { description: 'A page of packages.', schema: collection('packages', ref(Package)) } },
      async handler({ query }) {
        const repositoryId = query['repository_id'];
        if (repositoryId !== undefined && !UUID_PATTERN.test(repositoryId)) throw InvalidInput.field('repository_id', 'repository_id must be a UUID');
        const page = await service.list(pageRequest(query), { ...(repositoryId ? { repositoryId } : {}), includeDeleted: includesDeleted(query) });
        return { status: 200, body: { packages: await presentAll(page.items), next_cursor: page.nextCursor } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/packages',
      operationId: 'createPackage',
      summary: 'Register a package in a repository',
      tag: 'packages',
      access: 'admin',
      body: ref(PackageInput),
      responses: {
        201: { description: 'Created.', schema: ref(Package), headers: ETAG_HEADER },
        409: { description: 'The name is taken in this repository, or another package has the same identity.', schema: ref(Problem) },
      },
      async handler({ body, actor }) {
        const pkg = await service.create(body, actor);
        const result = await single(201, pkg);
        return { ...result, headers: { ...result.headers, Location: `/api/packages/${pkg.id}` } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/packages/check-connection',
      operationId: 'checkUnsavedPackageConnection',
      summary: 'Check the connection of a package configuration before saving it',
      tag: 'packages',
      access: 'admin',
      body: ref(UnsavedPackageInput),
      responses: { 200: { description: 'The answer; a failed check is `ok: false`.', schema: ref(ConnectionCheck) } },
      async handler({ body }) {
        return { status: 200, body: await service.checkUnsaved(body) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/packages/:id',
      operationId: 'getPackage',
      summary: 'Read a package',
      tag: 'packages',
      access: 'viewer',
      params: ID_PARAM,
      responses: { 200: { description: 'The package.', schema: ref(Package), headers: ETAG_HEADER } },
      async handler({ params }) {
        return single(200, await service.get(params['id']));
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/packages/:id',
      operationId: 'updatePackage',
      summary: 'Replace a package’s name, configuration and polling settings',
      tag: 'packages',
      access: 'admin',
      versioned: true,
      params: ID_PARAM,
      body: ref(PackageInput),
      responses: {
        200: { description: 'Updated.', schema: ref(Package), headers: ETAG_HEADER },
        409: {
          description: 'Name or identity taken, the identity of a package with history would change, or pipelines use the package and the name would change.',
          schema: ref(Problem),
        },
      },
      async handler({ params, body, header, actor }) {
        return single(200, await service.update(params['id'], body, header('if-match'), actor));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/packages/:id',
      operationId: 'deletePackage',
      summary: 'Delete a package; one with revision history is archived instead',
      tag: 'packages',
      access: 'admin',
      versioned: true,
      params: ID_PARAM,
      responses: {
        204: {
          description: 'Deleted, or archived (kept with its revisions and their promotions, hidden from lists, no longer polled, its name and identity free).',
        },
        409: { description: 'Pipelines use the package (named in the detail), or it is archived already.', schema: ref(Problem) },
      },
      async handler({ params, header, actor }) {
        await service.delete(params['id'], header('if-match'), actor);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/packages/:id/check-connection',
      operationId: 'checkPackageConnection',
      summary: 'Check that the package can be found, and show its latest revision',
      tag: 'packages',
      access: 'admin',
      params: ID_PARAM,
      responses: { 200: { description: 'The answer; a failed check is `ok: false`.', schema: ref(ConnectionCheck) } },
      async handler({ params }) {
        return { status: 200, body: await service.checkConnection(params['id']) };
      },
    }),
  ];
}
