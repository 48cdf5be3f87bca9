/** Hosts of npm's repository shorthands (`github:user/repo`, and a bare `user/repo`). */
const SHORTHAND_HOSTS: Record<string, string> = { github: 'github.com', gitlab: 'gitlab.com', bitbucket: 'bitbucket.org', gist: 'gist.github.com' };

const SHORTHAND = /^(?:(github|gitlab|bitbucket|gist):)?([\w.-]+(?:\/[\w.-]+)?)$/;
const SCP_LIKE = /^(?:[\w.-]+@)?([\w.-]+):(?!\/\/)(.+)$/;

const withoutGit = (path: string): string => path.replace(/\.git$/, '').replace(/\/+$/, '');

function fromShorthand(text: string): string | null {
  const match = SHORTHAND.exec(text);
  if (match === null || (match[1] === undefined && !match[2].includes('/'))) return null;
  return `https://${SHORTHAND_HOSTS[match[1] ?? 'github']}/${withoutGit(match[2])}`;
}

function fromUrl(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text.replace(/^git\+/, ''));
  } catch {
    return null;
  }
  if (url.hostname === '') return null;
  // git:, ssh: and git+ssh: URLs name a host that also serves the project's pages over https.
  const protocol = url.protocol === 'http:' ? 'http:' : 'https:';
  return `${protocol}//${url.host}${withoutGit(url.pathname)}`;
}

/**
 * A repository URL as a page a browser shows: `git+https://…/x.git`, `git://…`, `git+ssh://git@…`,
 * `git@host:user/repo.git` and npm's shorthands (`github:user/repo`, `user/repo`) become
 * `https://host/user/repo`; an http(s) homepage stays as it is. Null when nothing browsable is in it.
 *
 * @example
 * ```ts
 * browsableUrl('git+https://github.com/npm/node-semver.git'); // 'https://github.com/npm/node-semver'
 * browsableUrl('git@github.com:azer/left-pad.git'); // 'https://github.com/azer/left-pad'
 * ```
 */
export function browsableUrl(text: string): string | null {
  const shorthand = fromShorthand(text);
  if (shorthand !== null) return shorthand;
  if (/^(?:git\+)?(?:https?|git|ssh|git\+ssh):\/\//.test(text)) return fromUrl(text);
  const scp = SCP_LIKE.exec(text);
  if (scp !== null) return `https://${scp[1]}/${withoutGit(scp[2].replace(/^\/+/, ''))}`;
  return null;
}
