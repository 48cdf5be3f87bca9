import type { Request, Response } from 'express';
import type { Static, TSchema } from '@sinclair/typebox';
import type { Role, Actor } from '../security/roles';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/** Who may call a route: anyone, or this role and higher. */
export type Access = 'public' | Role;

/** Path parameters by name, each with its schema. */
export type ParamSchemas = Record<string, TSchema>;

export interface QueryParameter {
  description: string;
  schema: TSchema;
  required?: boolean;
}

export type QueryParameters = Record<string, QueryParameter>;

export interface HeaderParameter {
  description: string;
  required?: boolean;
}

/** What a handler receives: input already checked against the route's schemas. */
export interface RouteContext<P extends ParamSchemas = ParamSchemas, Q extends QueryParameters = QueryParameters, B = unknown, A extends Access = Access> {
  /** Each value matched its schema's pattern (or the route answered 404). */
  params: { [K in keyof P]: string };
  /** As sent: query values are not checked against their schemas. */
  query: { [K in keyof Q]: string | undefined };
  /** The JSON body, valid against the route's body schema (defaults filled in); a Buffer on raw-body routes. */
  body: B;
  /** Who is calling; null only on public routes. */
  actor: A extends 'public' ? Actor | null : Actor;
  /** A request header the route declares (see `requestHeaders`); a plain function, so handlers may take it out of the context. */
  header: (name: string) => string | undefined;
  /** The raw request and response, for the few routes that need more (streams, raw bodies). */
  request: Request;
  response: Response;
}

/**
 * What a handler answers: `body` is written as JSON, `text` as is with its content type.
 * `handled` means the handler wrote the response itself (a stream).
 */
export interface RouteResult<Body = unknown> {
  status: number;
  body?: Body;
  text?: { contentType: string; content: string };
  headers?: Record<string, string>;
  handled?: boolean;
}

export interface ResponseSpec {
  description: string;
  schema?: TSchema;
  /** Default `application/json`. */
  contentType?: string;
  headers?: Record<string, { description: string; schema: TSchema }>;
}

export type ResponseSpecs = Record<number, ResponseSpec>;

/**
 * The JSON bodies a route may answer: the types of its responses' schemas (text responses answer
 * `text`). Unknown for the route table, which holds routes of every shape.
 */
export type ResponseBody<R extends ResponseSpecs> = number extends keyof R
  ? unknown
  : { [S in keyof R]: R[S] extends { contentType: string } ? never : R[S] extends { schema: infer T extends TSchema } ? Static<T> : never }[keyof R];

/** The body a handler sees: the body schema's type, a Buffer on raw-body routes, nothing otherwise. */
export type BodyOf<B extends TSchema | undefined, Raw extends boolean> = Raw extends true ? Buffer : B extends TSchema ? Static<B> : undefined;

/** A route as declared: its schemas type its handler's context. */
export interface RouteSpec<
  P extends ParamSchemas = ParamSchemas,
  Q extends QueryParameters = QueryParameters,
  B extends TSchema | undefined = TSchema | undefined,
  Raw extends boolean = boolean,
  A extends Access = Access,
  R extends ResponseSpecs = ResponseSpecs,
> {
  method: HttpMethod;
  /** Express syntax: `/api/repositories/:id`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  access: A;
  /** Path parameters and their schemas; a value that does not match answers 404. */
  params?: P;
  query?: Q;
  /** The JSON request body; content types other than JSON answer 415. */
  body?: B;
  /**
   * The body may be left out: none, or one of no bytes whatever its content type, is taken as
   * `{}` (validated like any body, so defaults fill in); a body with content must still be JSON.
   */
  optionalBody?: boolean;
  /** Also take the token from `?access_token=` (browsers' EventSource cannot send headers). */
  queryToken?: boolean;
  /** Take the body as raw bytes of any content type (a Buffer), e.g. to check a signature over it. */
  rawBody?: Raw;
  /**
   * The route changes a resource that carries an ETag: it needs `If-Match` with the current one
   * (428 without it, 412 when stale). The service checks the version; this declares the header.
   */
  versioned?: boolean;
  /**
   * Request headers the handler reads, by name, besides `If-Match` (which `versioned` declares):
   * the OpenAPI document lists them, and `header()` refuses to read any other, so none goes unsaid.
   */
  requestHeaders?: Record<string, HeaderParameter>;
  responses: R;
  handler(context: RouteContext<P, Q, BodyOf<B, Raw>, A>): Promise<RouteResult<ResponseBody<R>>>;
}

/**
 * One route, declared once: the table of these builds both the express routers and the OpenAPI
 * document, so the two cannot drift apart. The table holds routes of every shape.
 */
export interface RouteDefinition extends Omit<RouteSpec, 'handler'> {
  handler(context: RouteContext): Promise<RouteResult>;
}

/**
 * Declares a route, typing its handler's `params`, `query` and `body` from its schemas, its
 * `actor` from its access (never null unless the route is public), and the JSON body it answers
 * from its responses' schemas.
 */
export function defineRoute<
  const P extends ParamSchemas = Record<never, TSchema>,
  const Q extends QueryParameters = Record<never, QueryParameter>,
  B extends TSchema | undefined = undefined,
  Raw extends boolean = false,
  A extends Access = Access,
  R extends ResponseSpecs = ResponseSpecs,
>(spec: RouteSpec<P, Q, B, Raw, A, R>): RouteDefinition {
  return spec;
}
