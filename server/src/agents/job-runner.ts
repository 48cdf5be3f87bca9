import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { ConsoleWriter, type ConsoleLimits } from './console-writer';
import { runExecTask } from './exec-task';
import { runFetchPackageTask } from './fetch-package-task';
import { runHttpTask } from './http-task';
import type { AssignedTask, JobAssignment } from './job-assignment';
import { handOverJobFolder, jobFolder } from './job-folder';
import type { JobSource } from './job-source';
import { failed, type TaskContext, type TaskOutcome, type TaskSettings } from './task-context';

/** The agent's last line in every job's log: `job passed`, or `job failed: <reason>`. */
export const JOB_PASSED_LINE = 'job passed';
export const JOB_FAILED_LINE = 'job failed: ';

const FALLBACK_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface JobRunnerOptions {
  /** Identifies the agent in the console. */
  owner: string;
  workDir: string;
  tasks: TaskSettings;
  console: ConsoleLimits;
  /** Leave each job's folder in place when it ends (to look into), instead of removing it. */
  keepFolders: boolean;
}

export interface JobResult {
  passed: boolean;
  result: string;
}

/**
 * Runs one job: a fresh folder of its own, its tasks in order until the first failure, its
 * output into the console. The job's processes see the job environment plus `PATH` and `HOME`
 * (the job's folder, which is the job user's when there is one), and nothing of the server's own
 * environment.
 */
export class JobRunner {
  constructor(
    private readonly source: JobSource,
    private readonly options: JobRunnerOptions,
    private readonly logger: Logger,
  ) {}

  async run(assignment: JobAssignment, signal: AbortSignal): Promise<JobResult> {
    const log = this.logger.child({ job: assignment.jobId });
    const writer = new ConsoleWriter(
      (text) => this.source.appendConsole(assignment.jobId, text),
      assignment.secrets,
      this.options.console,
      (error) => {
        log.warn({ err: error }, 'console output could not be stored');
      },
    );
    try {
      const result = await this.runTasks(assignment, writer, signal);
      writer.line(result.passed ? JOB_PASSED_LINE : `${JOB_FAILED_LINE}${result.result}`);
      return result;
    } finally {
      await writer.close();
      // Every attempt has a folder of its own: kept, they would fill the disk.
      if (!this.options.keepFolders) {
        await this.removeFolder(jobFolder(this.options.workDir, assignment)).catch((error: unknown) => {
          log.warn({ err: error }, 'the job’s folder could not be removed');
        });
      }
    }
  }

  /** Removes a job's folder, and the parents (stage attempt, run, pipeline) that it leaves empty. */
  private async removeFolder(folder: string): Promise<void> {
    await fs.promises.rm(folder, { recursive: true, force: true });
    const root = path.resolve(this.options.workDir);
    for (let parent = path.dirname(folder); parent.startsWith(`${root}${path.sep}`); parent = path.dirname(parent)) {
      try {
        await fs.promises.rmdir(parent);
      } catch {
        return; // not empty (another job's), or gone already
      }
    }
  }

  private async runTasks(assignment: JobAssignment, writer: ConsoleWriter, signal: AbortSignal): Promise<JobResult> {
    const folder = jobFolder(this.options.workDir, assignment);
    const name = `${assignment.pipeline}/${assignment.counter}/${assignment.stage}/${assignment.stageCounter}/${assignment.job}`;
    writer.line(`job ${name} (label ${assignment.label}) on ${this.options.owner}, in ${folder}`);
    try {
      // A folder left by an earlier attempt of the same job must not leak into this one.
      await fs.promises.rm(folder, { recursive: true, force: true });
      await makeFolder(folder);
      if (this.options.tasks.jobUser) await handOverJobFolder(this.options.workDir, folder, this.options.tasks.jobUser);
    } catch (error) {
      return { passed: false, result: `the job's folder could not be prepared: ${describe(error)}` };
    }
    const environment = { PATH: process.env['PATH'] ?? FALLBACK_PATH, HOME: folder, ...assignment.environment };
    const context: TaskContext = { assignment, folder, environment, console: writer, signal, settings: this.options.tasks };
    const count = assignment.tasks.length;
    for (const [index, task] of assignment.tasks.entries()) {
      if (signal.aborted) return { passed: false, result: String(signal.reason) };
      writer.line(`task ${index + 1}/${count}: ${kindOf(task)}`);
      const outcome = await runTask(task, context).catch((error: unknown) => failed(describe(error)));
      if (!outcome.passed) return { passed: false, result: `task ${index + 1} (${kindOf(task)}) failed: ${outcome.reason}` };
    }
    return { passed: true, result: `${count} ${count === 1 ? 'task' : 'tasks'} passed` };
  }
}

/**
 * Creates the folder and its parents. Another job's end may remove a parent that has just become
 * empty between two steps of this: then the creation is tried again.
 */
async function makeFolder(folder: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await fs.promises.mkdir(folder, { recursive: true });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw error;
    }
  }
}

function runTask(task: AssignedTask, context: TaskContext): Promise<TaskOutcome> {
  if ('exec' in task) return runExecTask(task.exec, context);
  if ('fetch_package' in task) return runFetchPackageTask(task.fetch_package, context);
  return runHttpTask(task.http, context);
}

function kindOf(task: AssignedTask): string {
  return Object.keys(task)[0] ?? 'task';
}

/** An error's message, with its cause's (fetch reports network failures there). */
function describe(error: unknown): string {
  const e = error as { message?: unknown; cause?: { message?: unknown } } | null;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  return typeof e?.cause?.message === 'string' ? `${message}: ${e.cause.message}` : message;
}
