import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import type { JobUser } from '../config/job-user';

export interface JobProcessOptions {
  cwd: string;
  env: Record<string, string>;
  user: JobUser | null | undefined;
  stdio: StdioOptions;
}

/**
 * Sets the umask in the child only, then becomes the command (`exec` keeps the pid, so the
 * process group and every signal reach the command itself). Baton runs with umask 077 so that
 * its data directory stays its own; jobs get the usual 022. Changing `process.umask()` around
 * `spawn` would be simpler, but the umask belongs to the whole process: libuv's file system
 * threads and the plugin workers create files meanwhile, and would get 022 for that moment.
 */
const UMASK_THEN_EXEC = 'umask 022; exec "$0" "$@"';

/**
 * Starts a process of a job in a process group of its own (spawned detached, so that stopping
 * the group stops whatever it started), as the job user when there is one. Node gives the child
 * that user's uid and gid and drops every supplementary group (libuv calls `setgroups(0)`), so
 * the job has the job user's primary group only, not the other groups /etc/group lists for it.
 */
export function spawnJobProcess(command: string, args: string[], options: JobProcessOptions): ChildProcess {
  const identity = options.user ? { uid: options.user.uid, gid: options.user.gid } : {};
  return spawn('/bin/sh', ['-c', UMASK_THEN_EXEC, command, ...args], { cwd: options.cwd, env: options.env, detached: true, stdio: options.stdio, ...identity });
}
