import type { Request, Response } from 'express';
import type { JsonSchema } from '../json-schema';
import type { Role, Actor } from '../security/roles';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/** What a handler receives: input already checked against the route's schemas. */
export interface RouteContext {
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  body: unknown;
  /** Null only on public routes. */
  actor: Actor | null;
  /** A plain function, so handlers may take it out of the context. */
  header: (name: string) => string | undefined;
  /** The raw request and response, for the few routes that need more (streams, raw bodies). */
  request: Request;
  response: Response;
}

/**
 * What a handler answers: `body` is written as JSON, `text` as is with its content type.
 * `handled` means the handler wrote the response itself (a stream).
 */
export interface RouteResult {
  status: number;
  body?: unknown;
  text?: { contentType: string; content: string };
  headers?: Record<string, string>;
  handled?: boolean;
}

export interface ResponseSpec {
  description: string;
  schema?: JsonSchema;
  /** Default `application/json`. */
  contentType?: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
}

export interface QueryParameter {
  description: string;
  schema: JsonSchema;
  required?: boolean;
}

/**
 * One route, declared once: the table of these builds both the express routers and the OpenAPI
 * document, so the two cannot drift apart.
 */
export interface RouteDefinition {
  method: HttpMethod;
  /** Express syntax: `/api/repositories/:id`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /** Who may call it: anyone, or this role and higher. */
  access: 'public' | Role;
  /** Path parameters and their schemas; a value that does not match answers 404. */
  params?: Record<string, JsonSchema>;
  query?: Record<string, QueryParameter>;
  /** The JSON request body; content types other than JSON answer 415. */
  body?: JsonSchema;
  /** Also take the token from `?access_token=` (browsers' EventSource cannot send headers). */
  queryToken?: boolean;
  /** Take the body as raw bytes of any content type (a Buffer), e.g. to check a signature over it. */
  rawBody?: boolean;
  responses: Record<number, ResponseSpec>;
  handler(context: RouteContext): Promise<RouteResult>;
}
