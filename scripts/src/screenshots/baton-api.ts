/** Baton's REST API as the script uses it: JSON in and out, a token per call, any failure thrown with the problem's words. */
export class BatonApi {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  as(token: string): BatonApi {
    return new BatonApi(this.url, token);
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** Waits until `stage` of run `counter` of `pipeline` is in `state` (the agent runs the jobs; a slow machine takes its time). */
  async stageReaches(pipeline: string, counter: number, stage: string, state: string): Promise<void> {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const run = await this.get<{ stages: { name: string; state: string }[] } | undefined>(`/api/pipelines/${pipeline}/runs/${counter}`).catch(
        () => undefined,
      );
      const now = run?.stages.find((s) => s.name === stage)?.state;
      if (now === state) return;
      if (Date.now() > deadline) throw new Error(`${pipeline} run ${counter}: ${stage} is ${now ?? 'not there'}, not ${state}, after three minutes`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
