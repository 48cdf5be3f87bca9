import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../logger';
import { startTimeOf } from '../system/proc-stat';
import { ProcessRegistry } from './process-registry';

const logger = createLogger('silent');

function alive(pid: number): boolean {
  const start = startTimeOf(pid);
  return start !== null;
}

describe('ProcessRegistry', () => {
  let workDir: string;
  const started: number[] = [];

  /** A detached `sleep`, leader of its own process group. */
  const sleeper = (): number => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    child.unref();
    started.push(child.pid!);
    return child.pid!;
  };
  /** A record as a dead agent would have left it. */
  const orphanRecord = (groupId: number, groupStart: string) => {
    const gone = spawnSync('true').pid;
    fs.mkdirSync(path.join(workDir, '+processes'), { recursive: true });
    fs.writeFileSync(path.join(workDir, '+processes', String(groupId)), JSON.stringify({ agentPid: gone, agentStart: '1', groupStart }));
  };

  beforeEach(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-registry-'));
  });

  afterEach(() => {
    for (const pid of started.splice(0)) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('leaves the groups of a live agent alone', () => {
    const pid = sleeper();
    new ProcessRegistry(workDir).record(pid);

    const killed = new ProcessRegistry(workDir).killOrphans(logger);

    expect(killed).toBe(0);
    expect(alive(pid)).toBe(true);
    expect(fs.readdirSync(path.join(workDir, '+processes'))).toEqual([String(pid)]);
  });

  it('kills the group of an agent that is gone, and forgets it', async () => {
    const pid = sleeper();
    orphanRecord(pid, startTimeOf(pid)!);

    const killed = new ProcessRegistry(workDir).killOrphans(logger);

    expect(killed).toBe(1);
    // A killed process may take a moment to go on a busy machine.
    const deadline = Date.now() + 60_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(alive(pid)).toBe(false);
    expect(fs.readdirSync(path.join(workDir, '+processes'))).toEqual([]);
  });

  it('spares a process that took a recorded group’s id later (it started after the record said)', () => {
    const pid = sleeper();
    orphanRecord(pid, String(BigInt(startTimeOf(pid)!) + 1_000_000n));

    const killed = new ProcessRegistry(workDir).killOrphans(logger);

    expect(killed).toBe(0);
    expect(alive(pid)).toBe(true);
  });

  it('drops records it cannot read', () => {
    fs.mkdirSync(path.join(workDir, '+processes'), { recursive: true });
    fs.writeFileSync(path.join(workDir, '+processes', '12345'), 'not json');
    fs.writeFileSync(path.join(workDir, '+processes', 'junk'), '{}');

    const killed = new ProcessRegistry(workDir).killOrphans(logger);

    expect(killed).toBe(0);
    expect(fs.readdirSync(path.join(workDir, '+processes'))).toEqual([]);
  });

  it('forgets a group that was stopped', () => {
    const registry = new ProcessRegistry(workDir);
    const pid = sleeper();
    registry.record(pid);

    registry.forget(pid);

    expect(fs.readdirSync(path.join(workDir, '+processes'))).toEqual([]);
  });
});
