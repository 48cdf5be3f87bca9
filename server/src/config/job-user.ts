import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** The user and group that jobs' processes run as, instead of Baton's own. */
export interface JobUser {
  /** As the operator gave it (a name or a number), for messages. */
  name: string;
  uid: number;
  gid: number;
}

/** What the process may do: its uid and its effective capabilities (a bit set, as in `/proc/self/status`). */
export interface Privileges {
  uid: number;
  capabilities: bigint;
}

// Setting another uid and gid on a child, giving it its folder, and stopping its processes.
const CAP_CHOWN = 0n;
const CAP_KILL = 5n;
const CAP_SETGID = 6n;
const CAP_SETUID = 7n;
const NEEDED = [CAP_CHOWN, CAP_KILL, CAP_SETGID, CAP_SETUID];

/**
 * Looks the user (and the group, when given; else the user's own) up in the system's user
 * database, through `getent`, so that users from LDAP or other NSS sources work too. Throws with
 * a message naming the variable when one is not found.
 */
export function lookUpJobUser(user: string, group: string | null, variables = { user: 'BATON_JOB_USER', group: 'BATON_JOB_GROUP' }): JobUser {
  const passwd = getent('passwd', user);
  const uid = passwd !== null ? Number(passwd[2]) : numeric(user);
  if (uid === null) throw new Error(`${variables.user} names '${user}', which is no user on this system`);
  if (group !== null) {
    const entry = getent('group', group);
    const gid = entry !== null ? Number(entry[2]) : numeric(group);
    if (gid === null) throw new Error(`${variables.group} names '${group}', which is no group on this system`);
    return { name: user, uid, gid };
  }
  if (passwd === null) throw new Error(`${variables.group} is needed: ${variables.user} is the number ${uid}, which has no entry giving its group`);
  return { name: user, uid, gid: Number(passwd[3]) };
}

/** Why this process cannot run jobs as that user, or null when it can. */
export function whyCannotSwitch(user: JobUser, privileges: Privileges): string | null {
  if (user.uid === privileges.uid) return `it is Baton's own user (uid ${user.uid}); name another user, or leave it unset`;
  if (user.uid === 0) return 'jobs must not run as root';
  if (privileges.uid === 0) return null;
  const missing = NEEDED.filter((bit) => (privileges.capabilities & (1n << bit)) === 0n);
  if (missing.length === 0) return null;
  return `Baton runs as uid ${privileges.uid} without the capabilities to switch users (CAP_SETUID, CAP_SETGID, CAP_CHOWN, CAP_KILL); run it as root, or grant those`;
}

/** This process's uid and effective capabilities; none where `/proc` does not tell. */
export function currentPrivileges(): Privileges {
  let capabilities = 0n;
  try {
    const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (hex !== undefined) capabilities = BigInt(`0x${hex}`);
  } catch {
    capabilities = 0n;
  }
  return { uid: process.getuid?.() ?? -1, capabilities };
}

/** An entry's fields, or null when there is none (getent exits 2 for "not found"). */
function getent(database: 'passwd' | 'group', key: string): string[] | null {
  try {
    return execFileSync('getent', [database, key], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split('\n')[0]
      .split(':');
  } catch {
    return null;
  }
}

function numeric(value: string): number | null {
  return /^\d+$/.test(value) && Number(value) <= 0xfffffffe ? Number(value) : null;
}
