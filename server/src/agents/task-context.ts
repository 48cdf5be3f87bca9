import type { ConsoleWriter } from './console-writer';
import type { JobAssignment } from './job-assignment';
import type { JobUser } from '../config/job-user';
import type { OutboundPolicy } from '../security/outbound-policy';
import type { ProcessRegistry } from './process-registry';

/** How the agent runs tasks, the same for every job. */
export interface TaskSettings {
  /** Folders under which `file:` locations may be fetched. */
  fileRoots: string[];
  /** Between SIGTERM and SIGKILL of a process group. */
  killGraceMs: number;
  userAgent: string;
  /** The addresses http tasks and downloads may not connect to; the default deny list when not given. */
  outbound?: OutboundPolicy;
  /** Where tasks' process groups are noted while they run. */
  processes?: ProcessRegistry;
  /** Whom tasks' processes run as, and who owns the job's folder; absent: Baton's own user. */
  jobUser?: JobUser | null;
}

/** What one task of a job works with. */
export interface TaskContext {
  assignment: JobAssignment;
  /** The job's own folder, absolute. */
  folder: string;
  /** The whole environment of the job's processes. */
  environment: Record<string, string>;
  console: ConsoleWriter;
  /** Aborted when the job is cancelled or the agent stops; the reason is a sentence for the console. */
  signal: AbortSignal;
  settings: TaskSettings;
}

export type TaskOutcome = { passed: true } | { passed: false; reason: string };

/** A task that cannot run as declared (a path outside the job's folder, a bad checksum format); the message says why. */
export class TaskRefused extends Error {}

export const PASSED: TaskOutcome = { passed: true };

export function failed(reason: string): TaskOutcome {
  return { passed: false, reason };
}
