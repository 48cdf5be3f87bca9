import { OpenApiValidator } from '../../server/src/http/openapi-validator';
import type { OpenApiDocument } from '../../server/src/http/openapi';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is, without JSON encoding. */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
  /** Overrides the client's token; null sends none. */
  token?: string | null;
}

/**
 * A client for tests that checks every answer against the server's own OpenAPI document: an
 * undocumented status or a body that does not match its schema fails the test.
 */
export class ApiClient {
  private constructor(
    readonly baseUrl: string,
    private readonly token: string | null,
    private readonly validator: OpenApiValidator,
    private readonly templates: { template: string; pattern: RegExp }[],
  ) {}

  static async connect(baseUrl: string, token: string | null): Promise<ApiClient> {
    const response = await fetch(`${baseUrl}/api/openapi.json`);
    const document = (await response.json()) as OpenApiDocument;
    const templates = Object.keys(document.paths)
      .map((template) => ({ template, pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`) }))
      // literal segments before parameters, so /check-connection wins over /{id}
      .sort((a, b) => b.template.split('{').length - a.template.split('{').length)
      .reverse();
    return new ApiClient(baseUrl, token, new OpenApiValidator(document), templates);
  }

  withToken(token: string | null): ApiClient {
    return new ApiClient(this.baseUrl, token, this.validator, this.templates);
  }

  get<T = any>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.request('GET', path, options);
  }

  post<T = any>(path: string, body?: unknown, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.request('POST', path, { ...options, body });
  }

  put<T = any>(path: string, body: unknown, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.request('PUT', path, { ...options, body });
  }

  delete<T = any>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.request('DELETE', path, options);
  }

  /** Deletes as a client that read the resource first: its ETag from a GET, sent back as If-Match. */
  async deleteCurrent<T = any>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const etag = (await this.get(path, { token: options.token })).headers.get('etag');
    return this.delete(path, { ...options, headers: { ...(etag === null ? {} : { 'if-match': etag }), ...options.headers } });
  }

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const token = options.token === undefined ? this.token : options.token;
    if (token !== null) headers['authorization'] ??= `Bearer ${token}`;
    let body: string | Buffer | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    const parsed = text !== '' && /json/.test(contentType) ? JSON.parse(text) : text === '' ? undefined : text;
    this.check(method, path, response.status, contentType, parsed);
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  private check(method: string, path: string, status: number, contentType: string, body: unknown): void {
    const pathname = new URL(path, this.baseUrl).pathname;
    const match = this.templates.find((t) => t.pattern.test(pathname));
    if (!match) {
      if ([401, 404, 405].includes(status)) return;
      throw new Error(`${method} ${pathname} answered ${status} but the OpenAPI document has no such path`);
    }
    const problem = this.validator.responseProblems(method.toLowerCase(), match.template, status, contentType, body);
    if (problem !== null && !([401, 405].includes(status) && problem.startsWith('no operation'))) {
      throw new Error(`${method} ${pathname} → ${status} does not match the OpenAPI document: ${problem}\n${JSON.stringify(body)}`);
    }
  }
}
