import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { RepositoryServerReply, ServedRequest, ServingOptions } from './repository-server';

/** The runner's handle on the repository server process. */
export class RepositoryServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    /** Base URL of the repository, ending with `/`. */
    readonly url: string,
  ) {}

  /** Serves `dir`, by default with validators and files of unknown type as `application/octet-stream`. */
  static async start(dir: string, options: Partial<ServingOptions> = {}): Promise<RepositoryServerProcess> {
    const flags = [...(options.validators === false ? ['--no-validators'] : []), ...(options.defaultType ? [`--type=${options.defaultType}`] : [])];
    const child = fork(path.join(__dirname, 'repository-server.js'), [dir, ...flags], { stdio: 'inherit' });
    const origin = await new Promise<string>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the repository server exited with ${code}`)));
      child.once('message', (reply: RepositoryServerReply) => (reply.type === 'ready' ? resolve(reply.origin) : reject(new Error('unexpected first message'))));
    });
    return new RepositoryServerProcess(child, `${origin}/`);
  }

  /** The requests answered since the last call. */
  requests(): Promise<ServedRequest[]> {
    return new Promise((resolve) => {
      this.child.once('message', (reply: RepositoryServerReply) => resolve(reply.type === 'report' ? reply.requests : []));
      this.child.send({ type: 'report' });
    });
  }

  /** Disconnects, on which the server exits; kills it too, so that no server outlives the run. */
  stop(): void {
    if (this.child.connected) this.child.disconnect();
    if (this.child.exitCode === null) this.child.kill();
  }
}
