import path from 'node:path';
import type { JobAssignment } from './job-assignment';
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
