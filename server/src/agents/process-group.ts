const CHECK_EVERY_MS = 50;

/**
 * Sends a signal to every process of a group; false when none is left. A group with a process
 * this one may not signal (a setuid program) still counts as there, so that SIGKILL follows.
 */
function signalGroup(groupId: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-groupId, signal);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Stops a whole process group — a task's process and everything it started: SIGTERM first, so
 * that programs may clean up, then SIGKILL for whatever is still there after the grace.
 */
export async function stopProcessGroup(groupId: number, graceMs: number): Promise<void> {
  if (!signalGroup(groupId, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, CHECK_EVERY_MS));
    if (!signalGroup(groupId, 0)) return;
  }
  signalGroup(groupId, 'SIGKILL');
}
