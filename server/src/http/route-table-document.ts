import { serverVersion } from '../config/settings';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi';
import { apiRoutes, type ApiServices } from './routes';

/**
 * A service that must never be reached: the route table only keeps references to its services
 * and calls them from handlers, so building the table over these proves the document needs no
 * database, plugins or listening socket.
 */
function unreachable(name: string): object {
  return new Proxy(
    {},
    {
      get(_target, member) {
        throw new Error(`the route table read ${name}.${String(member)} while it was being built: routes call services only when they handle a request`);
      },
    },
  );
}

/** The OpenAPI document of this build, from the same route table a running server serves, without starting one. */
export function routeTableDocument(): OpenApiDocument {
  const services = new Proxy({ extra: [] } as unknown as ApiServices, {
    get: (target, member: string) => (member === 'extra' ? target.extra : unreachable(member)),
  });
  let document: OpenApiDocument | null = null;
  const routes = apiRoutes(services, { check: () => Promise.reject(new Error('not serving')) }, () => document!);
  document = buildOpenApiDocument(routes, serverVersion());
  return document;
}
