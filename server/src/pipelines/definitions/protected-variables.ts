/**
 * Variables a manual trigger can never override, whatever a definition lists: Baton's own
 * `GO_*` (which revision a job deploys, and in whose name), and those that make a shell, the
 * dynamic loader or an interpreter run code of the caller's choosing as Baton's user. Compared
 * regardless of case, so that no spelling slips through.
 */
const PROTECTED_NAMES = new Set(['PATH', 'HOME', 'BASH_ENV', 'ENV', 'IFS', 'NODE_OPTIONS', 'RUBYOPT']);
const PROTECTED_PREFIXES = ['GO_', 'LD_', 'PYTHON', 'PERL5'];

/** How the protected names read in messages and documentation. */
export const PROTECTED_VARIABLES = 'GO_*, PATH, HOME, LD_*, BASH_ENV, ENV, IFS, NODE_OPTIONS, PYTHON*, PERL5* and RUBYOPT';

export function isProtectedVariable(name: string): boolean {
  const upper = name.toUpperCase();
  return PROTECTED_NAMES.has(upper) || PROTECTED_PREFIXES.some((prefix) => upper.startsWith(prefix));
}
