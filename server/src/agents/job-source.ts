import type { JobAssignment } from './job-assignment';

/**
 * Where an agent gets its jobs and reports on them. The server's job queue implements it over
 * the database; a remote agent would reach the same operations over the API.
 */
export interface JobSource {
  /** Up to `max` scheduled jobs, oldest first, now running under this owner's lease. */
  claim(owner: string, max: number): Promise<JobAssignment[]>;
  /** Renews the leases of these jobs; answers the ones this owner must stop (cancelled or lost meanwhile). */
  heartbeat(owner: string, jobIds: readonly string[]): Promise<string[]>;
  /** Adds to a job's console log; the text is already masked. */
  appendConsole(jobId: string, text: string): Promise<void>;
  /** Records a job's final state; false when it was no longer this owner's running job. */
  complete(owner: string, jobId: string, passed: boolean, result: string): Promise<boolean>;
}
