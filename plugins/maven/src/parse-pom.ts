import { xmlFirst, xmlText, type XmlNode } from '@baton/plugin-kit';
import { rootElement } from './parse-metadata';

/** What a revision takes from a POM. */
export interface PomFacts {
  /** The first developer, `Name <email>` (or whichever of the two is given). */
  developer: string | null;
  /** The project's `url`, else its `scm/url`. */
  url: string | null;
  /** The project's `description`, else its `name`. */
  description: string | null;
}

const child = (node: XmlNode | undefined, name: string): XmlNode | undefined => (typeof node === 'object' ? xmlFirst(node[name]) : undefined);

function developerOf(project: XmlNode): string | null {
  const developer = child(child(project, 'developers'), 'developer');
  const name = xmlText(child(developer, 'name')) || xmlText(child(developer, 'id'));
  const email = xmlText(child(developer, 'email'));
  if (name && email) return `${name} <${email}>`;
  return name || email || null;
}

function webUrl(value: string): string | null {
  return /^https?:\/\/\S+$/.test(value) ? value : null;
}

/**
 * Reads the facts a revision shows from a POM. Only http(s) URLs are taken; a POM that inherits
 * them from a parent simply has none here (parents are not read).
 *
 * @example
 * ```ts
 * parsePom(bytes, 8 << 20).url; // 'https://example.org/tools'
 * ```
 */
export function parsePom(bytes: Uint8Array, maxBytes: number): PomFacts {
  const project = rootElement(bytes, 'project', maxBytes);
  const description = (xmlText(child(project, 'description')) || xmlText(child(project, 'name'))).replace(/\s+/g, ' ');
  return {
    developer: developerOf(project),
    url: webUrl(xmlText(child(project, 'url'))) ?? webUrl(xmlText(child(child(project, 'scm'), 'url'))),
    description: description || null,
  };
}
