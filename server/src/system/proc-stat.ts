import fs from 'node:fs';

/**
 * What Linux's `/proc` tells of a process, for telling a process apart from a later one that got
 * the same id: its start time. Everything answers null where there is no `/proc`.
 */

/** `/proc/<pid>/stat` after the command name (which may hold spaces and parentheses). */
export function statFields(pid: number): string[] | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text
      .slice(text.lastIndexOf(')') + 2)
      .trim()
      .split(' ');
  } catch {
    return null;
  }
}

/** A process's start time (clock ticks after boot), or null when it is gone or there is no `/proc`. */
export function startTimeOf(pid: number): string | null {
  const stat = statFields(pid);
  // Fields after the command: state (0), ppid (1), pgrp (2), … starttime (19).
  return stat === null || stat[0] === 'Z' ? null : (stat[19] ?? null);
}

/**
 * When a process started, as a wall-clock time in milliseconds: boot time plus its start ticks.
 * Ticks are USER_HZ, which Linux fixes at 100 for what it shows in `/proc`.
 */
export function startedAtMs(pid: number): number | null {
  const ticks = startTimeOf(pid);
  const boot = bootTimeSeconds();
  return ticks === null || boot === null ? null : boot * 1000 + Number(ticks) * 10;
}

function bootTimeSeconds(): number | null {
  try {
    const line = fs
      .readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('btime '));
    return line === undefined ? null : Number(line.slice('btime '.length));
  } catch {
    return null;
  }
}
