import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Shell that waits until the file the environment variable `variable` names exists: a job holds
 * there until its test opens the gate, so that it is seen running however slow the machine.
 */
export function awaitGate(variable: string): string {
  return `while [ ! -f "$${variable}" ]; do sleep 0.1; done`;
}

/** Gate files in a temporary folder of their own: a test opens one with {@link Gates.open}. */
export class Gates {
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-gate-'));

  /** The file of the gate `name`, for a job's environment. */
  path(name: string): string {
    return path.join(this.dir, name);
  }

  open(name: string): void {
    fs.writeFileSync(this.path(name), '');
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
