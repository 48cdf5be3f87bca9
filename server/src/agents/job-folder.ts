import fs from 'node:fs';
import path from 'node:path';
import type { JobAssignment } from './job-assignment';
import type { JobUser } from '../config/job-user';
import { TaskRefused } from './task-context';

/** A name as one safe path segment: never `.` or `..`, never a separator. */
function segment(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return /^\.*$/.test(safe) ? `_${safe}` : safe;
}

/** `<work>/<pipeline>/<counter>/<stage>-<stage counter>/<job>`: each attempt of a job has its own folder. */
export function jobFolder(workDir: string, job: Pick<JobAssignment, 'pipeline' | 'counter' | 'stage' | 'stageCounter' | 'job'>): string {
  return path.join(path.resolve(workDir), segment(job.pipeline), String(job.counter), `${segment(job.stage)}-${job.stageCounter}`, segment(job.job));
}

/** A path the definition gives, resolved inside the job's folder; one that leaves it is refused. */
export function insideJobFolder(folder: string, relative: string | undefined, field: string): string {
  const target = path.resolve(folder, relative ?? '.');
  const fromFolder = path.relative(folder, target);
  if (fromFolder === '..' || fromFolder.startsWith(`..${path.sep}`) || path.isAbsolute(fromFolder)) {
    throw new TaskRefused(`${field} '${relative}' is outside the job's folder; give a path inside it`);
  }
  return target;
}

/**
 * Gives a new job folder to the job user: the folders above it, from the work folder down, may
 * be passed through but not listed (0711; Baton's umask would leave them 0700), and the folder
 * itself becomes the user's. Nothing else of Baton's is reachable through them.
 */
export async function handOverJobFolder(workDir: string, folder: string, user: JobUser): Promise<void> {
  const root = path.resolve(workDir);
  for (let parent = path.dirname(folder); parent.startsWith(`${root}${path.sep}`); parent = path.dirname(parent)) {
    await fs.promises.chmod(parent, 0o711);
  }
  await fs.promises.chmod(root, 0o711);
  await fs.promises.chown(folder, user.uid, user.gid);
}
