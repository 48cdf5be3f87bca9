import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { SignInSessions } from '../security/sign-in-sessions';
import type { TokenService } from '../security/token-service';
import { authenticateRequest } from './authenticate';
import type { OpenApiValidator } from './openapi-validator';
import { HttpProblem, problemHandler, sendProblem } from './problem';
import type { RouteDefinition } from './route';
import { InvalidInput } from '../domain-errors';
import { UUID_PATTERN } from './schemas';
import { webUi } from './web-ui';

export interface AppOptions {
  routes: readonly RouteDefinition[];
  validator: OpenApiValidator;
  tokens: TokenService;
  signIns: SignInSessions;
  logger: Logger;
  bodyLimitBytes: number;
  trustProxy: boolean;
  /** The built web UI, served for GETs outside the API; without it, those answer 404 as any unknown path. */
  webDir?: string;
  /** True once shutdown has begun: keep-alive connections are asked to close. */
  isShuttingDown(): boolean;
}

const JSON_TYPES = ['application/json', 'application/*+json'];
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

/** The express app: one handler per route of the table, then 405s, 404s and problem documents. */
export function buildApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy);
  app.set('etag', false);
  app.use(requestLog(options));
  const parsers = {
    json: express.json({ limit: options.bodyLimitBytes, type: JSON_TYPES, strict: true }),
    raw: express.raw({ limit: options.bodyLimitBytes, type: () => true }),
  };
  for (const route of options.routes) app[route.method](route.path, routeHandler(route, options, parsers));
  // Without a token or session, a protected path answers 401 whatever the method; so does any unknown /api path.
  const signedIn = (req: Request) => authenticateRequest(options, req, 'viewer');
  for (const [path, { methods, isPublic }] of methodsByPath(options.routes)) {
    const allow = [...methods].map((m) => m.toUpperCase()).join(', ');
    app.all(path, async (req: Request) => {
      if (!isPublic) await signedIn(req);
      throw new HttpProblem(405, `This resource allows ${allow}`, { Allow: allow });
    });
  }
  app.use('/api', async (req: Request) => {
    await signedIn(req);
    throw new HttpProblem(404, `There is nothing at ${req.method} ${req.baseUrl}${req.path}`);
  });
  // After the API's own 404s: an unknown /api path stays a problem document, never the app.
  if (options.webDir !== undefined) app.use(webUi(options.webDir));
  app.use((req: Request, res: Response) => sendProblem(res, 404, `There is nothing at ${req.method} ${req.path}`));
  app.use(problemHandler(options.logger));
  return app;
}

type Middleware = (req: Request, res: Response, next: (error?: unknown) => void) => void;

function routeHandler(route: RouteDefinition, options: AppOptions, parsers: { json: Middleware; raw: Middleware }) {
  return async (req: Request, res: Response): Promise<void> => {
    // The API's answers are the state as it is now, often another user's to see: no cache keeps them
    // (a browser otherwise shows an old copy). A route that streams says so itself.
    res.setHeader('Cache-Control', 'no-store');
    const actor = route.access === 'public' ? null : await authenticateRequest(options, req, route.access, route.queryToken);
    res.locals['actor'] = actor?.name;
    for (const [name, schema] of Object.entries(route.params ?? {})) {
      const value = String(req.params[name]);
      const pattern = typeof schema['pattern'] === 'string' ? new RegExp(schema['pattern']) : null;
      if ((schema['format'] === 'uuid' && !UUID_PATTERN.test(value)) || (pattern && !pattern.test(value))) {
        throw new HttpProblem(404, `There is nothing at ${req.method} ${req.path}`);
      }
    }
    // The body is read only after authentication: nobody without a token makes the server read one.
    if (route.body || route.rawBody) {
      if (!route.rawBody) refuseForeignCharset(req);
      // A body that may be left out is read as bytes unless it is JSON, to tell an empty one from one with content.
      const parser = route.rawBody || (route.optionalBody && !req.is(JSON_TYPES)) ? parsers.raw : parsers.json;
      await new Promise<void>((resolve, reject) =>
        parser(req, res, (error: unknown) =>
          error ? reject(error instanceof Error ? error : new Error('the body could not be read', { cause: error })) : resolve(),
        ),
      );
      if (route.body) checkBody(route, req, options.validator);
      else if (!Buffer.isBuffer(req.body)) req.body = Buffer.alloc(0);
    }
    const result = await route.handler({
      params: req.params as Record<string, string>,
      query: req.query as Record<string, string | undefined>,
      body: req.body,
      actor,
      header: (name) => req.get(declaredHeader(route, name)),
      request: req,
      response: res,
    });
    if (result.handled) return;
    for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
    if (result.text) res.status(result.status).type(result.text.contentType).send(result.text.content);
    else if (result.body === undefined) res.status(result.status).end();
    else res.status(result.status).json(result.body);
  };
}

function checkBody(route: RouteDefinition, req: Request, validator: OpenApiValidator): void {
  if (route.optionalBody && isEmpty(req.body)) req.body = {};
  else if (!req.is(JSON_TYPES)) throw new HttpProblem(415, 'Send the body as application/json');
  const errors = validator.requestBodyErrors(route.method, route.path, req.body);
  if (Object.keys(errors).length > 0) throw new InvalidInput(errors);
}

/** The name, when the route declares the header; a route that reads an undeclared one is a bug, found by its first request. */
function declaredHeader(route: RouteDefinition, name: string): string {
  const declared = Object.keys(route.requestHeaders ?? {}).map((h) => h.toLowerCase());
  if (route.versioned) declared.push('if-match');
  if (declared.includes(name.toLowerCase())) return name;
  throw new Error(`route ${route.operationId} reads the header '${name}' without declaring it in requestHeaders`);
}

/** No body at all, or one of no bytes, whatever its content type says. */
function isEmpty(body: unknown): boolean {
  return body === undefined || (Buffer.isBuffer(body) && body.length === 0);
}

/**
 * JSON bodies are UTF-8. The JSON parser would decode any `utf-*` charset and then fail on what
 * it decoded as if the client had sent malformed JSON; the charset is what is wrong, so say so.
 */
function refuseForeignCharset(req: Request): void {
  const charset = CHARSET.exec(req.get('content-type') ?? '')?.[1]?.toLowerCase();
  if (charset === undefined || charset === 'utf-8' || charset === 'utf8' || !req.is(JSON_TYPES)) return;
  throw new HttpProblem(415, `The body's charset '${charset}' is not accepted: send JSON as charset=utf-8`);
}

function methodsByPath(routes: readonly RouteDefinition[]): Map<string, { methods: Set<string>; isPublic: boolean }> {
  const paths = new Map<string, { methods: Set<string>; isPublic: boolean }>();
  for (const route of routes) {
    const entry = paths.get(route.path) ?? { methods: new Set<string>(), isPublic: false };
    entry.methods.add(route.method);
    if (route.method === 'get') entry.methods.add('head');
    entry.isPublic ||= route.access === 'public';
    paths.set(route.path, entry);
  }
  return paths;
}

/** One structured line per request, with its actor; never bodies or headers with secrets. */
function requestLog(options: AppOptions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    // When the request arrived, before any work on it: a poll request is served by a poll that started later.
    res.locals['receivedAt'] = performance.now();
    if (options.isShuttingDown()) res.setHeader('Connection', 'close');
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const level = res.statusCode >= 500 ? 'error' : 'info';
      options.logger[level](
        { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10, actor: res.locals['actor'] },
        'request',
      );
    });
    next();
  };
}
