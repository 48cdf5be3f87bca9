import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { FakeRepositoriesReply } from './fake-repositories';
import { repositoryName, type Layout } from './layout';

type Report = Extract<FakeRepositoriesReply, { type: 'report' }>;
type Command = { type: 'publish'; repository: number; package: number; version: string } | { type: 'report' };

/** The runner's handle on the fake repository process. */
export class FakeRepositoriesProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: FakeRepositoriesReply) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly origin: string,
  ) {
    child.on('message', (reply: FakeRepositoriesReply) => {
      if (reply.type === 'ready') return;
      this.waiting.get(reply.id)?.(reply);
      this.waiting.delete(reply.id);
    });
  }

  static async start(layout: Layout): Promise<FakeRepositoriesProcess> {
    const child = fork(path.join(__dirname, 'fake-repositories.js'), [String(layout.packages), String(layout.repositories)], { stdio: 'inherit' });
    const origin = await new Promise<string>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the fake repository process exited with ${code}`)));
      child.once('message', (reply: FakeRepositoriesReply) => (reply.type === 'ready' ? resolve(reply.origin) : reject(new Error('unexpected first message'))));
    });
    return new FakeRepositoriesProcess(child, origin);
  }

  get pid(): number {
    return this.child.pid!;
  }

  urlOf(repository: number): string {
    return `${this.origin}/${repositoryName(repository)}/packages.json`;
  }

  /** Publishes a version; resolves with the time (ms) from which the repository serves it. */
  async publish(repository: number, pkg: number, version: string): Promise<number> {
    await this.ask({ type: 'publish', repository, package: pkg, version });
    return Date.now();
  }

  /** Request arrivals since the last report, and the process's CPU seconds so far. */
  async report(): Promise<{ requests: [number, number][]; cpuSeconds: number }> {
    const reply = (await this.ask({ type: 'report' })) as Report;
    return { requests: reply.requests, cpuSeconds: reply.cpuSeconds };
  }

  stop(): void {
    this.child.disconnect();
  }

  private ask(command: Command): Promise<FakeRepositoriesReply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ ...command, id });
    });
  }
}
