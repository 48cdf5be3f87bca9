import { createHmac } from 'node:crypto';
import { packageName, repositoryName, repositoryOf, type Layout } from './layout';
import { parseScrape, type Scrape } from './prometheus';

/** A package as the list answers it, with what the benchmark reads. */
export interface ListedPackage {
  id: string;
  name: string;
  repository_id: string;
  poll_interval_seconds: number;
  poll: { status: string; next_poll_at: string | null; last_polled_at: string | null };
}

/** The few API calls the benchmark makes, with the admin token. */
export class BatonApi {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  async json<T>(method: string, path: string, body?: unknown, expected = 200): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    if (response.status !== expected) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }

  /**
   * Registers the repositories, then the packages, `concurrency` at a time; answers repository ids
   * by index. `packageFields` go into every package's body (`auto_update`, for one).
   */
  async register(
    layout: Layout,
    intervalSeconds: number,
    urlOf: (r: number) => string,
    concurrency: number,
    packageFields: Record<string, unknown> = {},
  ): Promise<string[]> {
    const ids: string[] = [];
    for (let r = 0; r < layout.repositories; r += 1) {
      const body = { name: repositoryName(r), plugin_id: 'json-file', configuration: [{ key: 'URL', value: urlOf(r) }] };
      ids.push((await this.json<{ id: string }>('POST', '/api/repositories', body, 201)).id);
    }
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < layout.packages; i = next++) {
        const body = {
          name: packageName(i),
          repository_id: ids[repositoryOf(layout, i)],
          configuration: [{ key: 'NAME', value: packageName(i) }],
          poll_interval_seconds: intervalSeconds,
          ...packageFields,
        };
        await this.json('POST', '/api/packages', body, 201);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return ids;
  }

  /** Every package, 500 a page. */
  async packages(): Promise<ListedPackage[]> {
    const all: ListedPackage[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/packages?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: { packages: ListedPackage[]; next_cursor: string | null } = await this.json('GET', query);
      all.push(...page.packages);
      cursor = page.next_cursor;
    } while (cursor);
    return all;
  }

  async scrape(): Promise<Scrape> {
    const response = await fetch(`${this.url}/metrics`, { headers: { authorization: `Bearer ${this.token}` } });
    if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
    return parseScrape(await response.text());
  }

  async hookSecret(repositoryId: string): Promise<string> {
    return (await this.json<{ secret: string }>('GET', `/api/repositories/${repositoryId}/hook-secret`)).secret;
  }

  /** Sends a refresh hint signed as a repository would sign it. */
  async hint(repositoryId: string, secret: string): Promise<void> {
    const body = JSON.stringify({ reason: 'published' });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
    const response = await fetch(`${this.url}/api/hooks/repositories/${repositoryId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-baton-timestamp': timestamp, 'x-baton-signature': signature },
      body,
    });
    if (response.status !== 202) throw new Error(`the hint answered ${response.status}: ${await response.text()}`);
  }
}
