import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { startTimeOf, statFields } from '../system/proc-stat';

/** What is written for each process group a task starts. */
interface GroupRecord {
  /** The agent's process, and its start time: a later process with the same id is another one. */
  agentPid: number;
  agentStart: string;
  /** The group leader's start time (the group's id is the leader's pid). */
  groupStart: string;
}

/**
 * The process groups of running tasks, one small file each in `<work dir>/+processes`, so that a
 * server that died without stopping them (SIGKILL, a crash) does not leave them running: the next
 * agent on this work folder kills the groups whose agent is gone. Identity rests on start times
 * from `/proc` (a reused process id has another start time); where there is no `/proc`, nothing is
 * recorded and nothing is killed.
 */
export class ProcessRegistry {
  private readonly dir: string;
  private readonly self: { pid: number; start: string } | null;

  constructor(workDir: string) {
    // `+` is in no pipeline's name, so no job folder can take this name.
    this.dir = path.join(workDir, '+processes');
    const start = startTimeOf(process.pid);
    this.self = start === null ? null : { pid: process.pid, start };
  }

  /** Notes a task's new process group; done before the task can start more processes. */
  record(groupId: number): void {
    const groupStart = startTimeOf(groupId);
    if (this.self === null || groupStart === null) return;
    const record: GroupRecord = { agentPid: this.self.pid, agentStart: this.self.start, groupStart };
    fs.mkdirSync(this.dir, { recursive: true });
    fs.writeFileSync(this.fileOf(groupId), JSON.stringify(record));
  }

  /** The group has been stopped. */
  forget(groupId: number): void {
    fs.rmSync(this.fileOf(groupId), { force: true });
  }

  /** Kills the groups recorded by agents that are gone; answers how many groups had processes left. */
  killOrphans(logger: Logger): number {
    let killed = 0;
    for (const name of readdirOrEmpty(this.dir)) {
      const groupId = Number(name);
      const record = readRecord(path.join(this.dir, name));
      if (!Number.isInteger(groupId) || groupId <= 1 || record === null) {
        fs.rmSync(path.join(this.dir, name), { force: true });
        continue;
      }
      // Another Baton process on this work folder, still running, owns its groups.
      if (startTimeOf(record.agentPid) === record.agentStart) continue;
      const members = membersOf(groupId, record.groupStart);
      if (members.length > 0) {
        signalGroup(groupId);
        killed += 1;
        logger.warn({ group: groupId, processes: members }, 'killed the processes of a job whose server died without stopping them');
      }
      fs.rmSync(path.join(this.dir, name), { force: true });
    }
    return killed;
  }

  private fileOf(groupId: number): string {
    return path.join(this.dir, String(groupId));
  }
}

/** The processes of a group started no earlier than its leader was, read from `/proc`. */
function membersOf(groupId: number, groupStart: string): number[] {
  const members: number[] = [];
  for (const entry of readdirOrEmpty('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statFields(Number(entry));
    // Fields after the command: state (0), ppid (1), pgrp (2), … starttime (19).
    if (stat === null || stat[0] === 'Z' || Number(stat[2]) !== groupId) continue;
    if (BigInt(stat[19]) >= BigInt(groupStart)) members.push(Number(entry));
  }
  return members;
}

function signalGroup(groupId: number): void {
  try {
    process.kill(-groupId, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}

function readRecord(file: string): GroupRecord | null {
  try {
    const record = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<GroupRecord>;
    const valid =
      typeof record.agentPid === 'number' && typeof record.agentStart === 'string' && typeof record.groupStart === 'string' && /^\d+$/.test(record.groupStart);
    return valid ? (record as GroupRecord) : null;
  } catch {
    return null;
  }
}

function readdirOrEmpty(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
