import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { PROJECT_ROOT } from './baton-process';

/** One goal's line: what was wanted, what was measured, and whether it was met (null: no data). */
export interface GoalLine {
  goal: string;
  measured: string;
  met: boolean | null;
}

export function header(title: string): string {
  const cpus = os.cpus();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return [
    title,
    `date:    ${new Date().toISOString()}`,
    `commit:  ${commit()}`,
    `machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`,
    `load:    ${load} (1/5/15 min averages at start; the machine may be shared)`,
  ].join('\n');
}

export function goalTable(lines: GoalLine[]): string {
  const goalWidth = Math.max(...lines.map((l) => l.goal.length));
  const measuredWidth = Math.max(...lines.map((l) => l.measured.length));
  return lines
    .map((l) => `${l.goal.padEnd(goalWidth)} | ${l.measured.padEnd(measuredWidth)} | ${l.met === null ? 'NO DATA' : l.met ? 'MET' : 'MISSED'}`)
    .join('\n');
}

export const seconds = (value: number, digits = 3): string => (Number.isFinite(value) ? `${value.toFixed(digits)} s` : 'n/a');

function commit(): string {
  try {
    const run = (...args: string[]) => execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = run('status', '--porcelain', '--untracked-files=no') !== '';
    return `${run('rev-parse', '--short', 'HEAD')}${dirty ? ' (with uncommitted changes)' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

export const milliseconds = (value: number): string => `${value.toFixed(1)} ms`;

export const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** A line of the report, on stdout. */
export const out = (line = ''): void => void process.stdout.write(`${line}\n`);

/** A line of progress, on stderr, so that stdout holds the report alone. */
export const progress = (line: string): void => void process.stderr.write(`… ${line}\n`);
