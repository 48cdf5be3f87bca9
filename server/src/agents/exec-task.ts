import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ExecStep } from './job-assignment';
import { insideJobFolder } from './job-folder';
import { spawnJobProcess } from './job-process';
import { stopProcessGroup } from './process-group';
import { failed, PASSED, type TaskContext, type TaskOutcome } from './task-context';

const DEFAULT_TIMEOUT_SECONDS = 3600;
/** After the process exits, its pipes may hold a last bit of output. */
const DRAIN_MS = 2000;

/**
 * Runs a command in its own process group, so that a timeout, a cancel or the end of the task
 * reaches everything it started: processes it leaves behind are stopped with it.
 */
export async function runExecTask(step: ExecStep['exec'], context: TaskContext): Promise<TaskOutcome> {
  const cwd = insideJobFolder(context.folder, step.working_directory, 'working_directory');
  if (!fs.statSync(cwd, { throwIfNoEntry: false })?.isDirectory()) {
    return failed(`working_directory '${step.working_directory}' does not exist in the job's folder`);
  }
  const args = step.arguments ?? [];
  const where = path.relative(context.folder, cwd) || '.';
  context.console.line(`exec ${[step.command, ...args].map(quoted).join(' ')} (in ${where})`);
  const child = spawnJobProcess(step.command, args, { cwd, env: context.environment, user: context.settings.jobUser, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) context.settings.processes?.record(child.pid);
  for (const stream of [child.stdout!, child.stderr!]) stream.setEncoding('utf8').on('data', (text: string) => context.console.write(text));
  return watch(child, step, context);
}

function watch(child: ChildProcess, step: ExecStep['exec'], context: TaskContext): Promise<TaskOutcome> {
  const timeoutSeconds = step.timeout_seconds ?? DEFAULT_TIMEOUT_SECONDS;
  const grace = context.settings.killGraceMs;
  let stoppedBecause: string | null = null;
  const stop = (reason: string) => {
    if (stoppedBecause !== null || child.pid === undefined) return;
    stoppedBecause = reason;
    context.console.line(`${reason}: stopping its processes`);
    void stopProcessGroup(child.pid, grace);
  };
  const timer = setTimeout(() => stop(`${step.command} timed out after ${timeoutSeconds} s`), timeoutSeconds * 1000);
  const onAbort = () => stop(String(context.signal.reason));
  if (context.signal.aborted) onAbort();
  else context.signal.addEventListener('abort', onAbort, { once: true });
  const closed = new Promise((resolve) => child.once('close', resolve));
  return new Promise<TaskOutcome>((resolve) => {
    let settled = false;
    const settle = (outcome: TaskOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      context.signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    child.once('error', (error) => settle(failed(`${step.command} could not be started: ${error.message}`)));
    child.once('exit', (code, signal) => {
      void afterExit(child, closed, grace).then(() => {
        if (child.pid !== undefined) context.settings.processes?.forget(child.pid);
        settle(outcomeOf(step.command, code, signal, stoppedBecause));
      });
    });
  });
}

/** Stops what the process left running in its group, then lets its pipes drain. */
async function afterExit(child: ChildProcess, closed: Promise<unknown>, graceMs: number): Promise<void> {
  if (child.pid !== undefined) await stopProcessGroup(child.pid, graceMs);
  let drained: NodeJS.Timeout | undefined;
  await Promise.race([closed, new Promise((resolve) => (drained = setTimeout(resolve, DRAIN_MS)))]);
  clearTimeout(drained);
  // A process that left the group may still hold the pipes: they are not waited for.
  child.stdout?.destroy();
  child.stderr?.destroy();
}

function outcomeOf(command: string, code: number | null, signal: NodeJS.Signals | null, stoppedBecause: string | null): TaskOutcome {
  if (stoppedBecause !== null) return failed(stoppedBecause);
  if (code === 0) return PASSED;
  return failed(code !== null ? `${command} exited with code ${code}` : `${command} was killed by ${signal}`);
}

function quoted(arg: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(arg) ? arg : JSON.stringify(arg);
}
