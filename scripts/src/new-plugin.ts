import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

/** The plugin API's rule for ids; the folder, the id and the package name all take the name. */
export const PLUGIN_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** What the template is called, everywhere the generator renames it. */
const TEMPLATE = { packageName: '@baton/plugin-json-index', displayName: 'JSON version index', id: 'json-index' };

/** Text between these markers in the template's README speaks of the template, not of a plugin. */
const TEMPLATE_ONLY = /<!-- template-only -->[\s\S]*?<!-- \/template-only -->\n*/g;

/** Build output and installed packages stay behind: the root build makes them again. */
const NOT_COPIED = new Set(['dist', 'node_modules', 'tsconfig.tsbuildinfo']);

/** A request the generator turns down, with a message for the person who made it. */
export class NewPluginRefusal extends Error {}

export interface NewPluginOptions {
  name: string;
  /** The checkout to write into: it holds plugins/ and tsconfig.json. */
  root: string;
  /** Default: templates/plugin of that checkout. */
  template?: string;
}

export interface NewPlugin {
  folder: string;
  packageName: string;
  displayName: string;
  /** The reference added to the root tsconfig.json, or null when it was there already. */
  reference: string | null;
}

/** `my-registry` → `My registry`. */
function displayNameOf(name: string): string {
  const words = name.split('-').filter(Boolean).join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function nameProblem(name: string, pluginsDir: string): string | null {
  if (!PLUGIN_NAME.test(name)) {
    return `'${name}' is not a plugin name: use lower-case letters, digits and '-', starting with a letter, at most 63 characters (for example 'my-registry')`;
  }
  if (fs.existsSync(path.join(pluginsDir, name))) return `plugins/${name} exists already: choose another name, or remove that folder first`;
  return null;
}

function renamed(text: string, names: typeof TEMPLATE): string {
  return text
    .replaceAll(TEMPLATE.packageName, names.packageName)
    .replaceAll(TEMPLATE.displayName, names.displayName)
    .replaceAll(TEMPLATE.id, names.id)
    .replace(TEMPLATE_ONLY, '');
}

/** Each name must be where the generator expects it, or the template changed under it. */
function checkTemplate(template: string): void {
  const expected: [string, string][] = [
    ['package.json', `"name": "${TEMPLATE.packageName}"`],
    ['src/index.ts', `id: '${TEMPLATE.id}'`],
    ['src/index.ts', `displayName: '${TEMPLATE.displayName}'`],
    ['README.md', `# ${TEMPLATE.displayName}`],
  ];
  for (const [file, text] of expected) {
    if (!fs.readFileSync(path.join(template, file), 'utf8').includes(text)) throw new Error(`the template's ${file} no longer holds ${text}`);
  }
}

function copyRenamed(from: string, to: string, names: typeof TEMPLATE): void {
  fs.mkdirSync(to);
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (NOT_COPIED.has(entry.name)) continue;
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyRenamed(source, target, names);
    else fs.writeFileSync(target, renamed(fs.readFileSync(source, 'utf8'), names));
  }
}

/**
 * Adds the folder to the root tsconfig.json's references, after the last plugin's line, as text:
 * the file keeps its formatting. `tsc -b` cannot find projects by a pattern, so each is listed.
 */
function addReference(root: string, reference: string): string | null {
  const file = path.join(root, 'tsconfig.json');
  const text = fs.readFileSync(file, 'utf8');
  const references = (JSON.parse(text) as { references?: { path: string }[] }).references ?? [];
  if (references.some((r) => r.path === reference)) return null;
  const lines = text.split('\n');
  const last = lines.reduce((found, line, index) => (/^\s*\{ "path": "plugins\/[^"]+" \},?$/.test(line) ? index : found), -1);
  if (last === -1) throw new Error(`${file} has no line like { "path": "plugins/…" } to add the new plugin after`);
  const indent = /^\s*/.exec(lines[last])![0];
  lines.splice(last + 1, 0, `${indent}{ "path": "${reference}" },`);
  if (!lines[last].endsWith(',')) lines[last] += ',';
  const edited = lines.join('\n').replace(/,(\s*\])/, '$1');
  JSON.parse(edited);
  fs.writeFileSync(file, edited);
  return reference;
}

/** Copies the template into plugins/NAME, renamed, and adds it to the root build. */
export function newPlugin(options: NewPluginOptions): NewPlugin {
  const root = path.resolve(options.root);
  const pluginsDir = path.join(root, 'plugins');
  const problem = nameProblem(options.name, pluginsDir);
  if (problem !== null) throw new NewPluginRefusal(problem);
  const template = options.template ?? path.join(root, 'templates', 'plugin');
  checkTemplate(template);
  const names = { packageName: `@baton/plugin-${options.name}`, displayName: displayNameOf(options.name), id: options.name };
  const folder = path.join(pluginsDir, options.name);
  fs.mkdirSync(pluginsDir, { recursive: true });
  copyRenamed(template, folder, names);
  const reference = addReference(root, `plugins/${options.name}`);
  return { folder, packageName: names.packageName, displayName: names.displayName, reference };
}

function nextSteps(created: NewPlugin, name: string): string {
  const added = created.reference === null ? [] : [`Added { "path": "${created.reference}" } to the references of tsconfig.json, so the root build builds it.`];
  return [
    `Created plugins/${name}: package ${created.packageName}, plugin id '${name}', display name '${created.displayName}'.`,
    ...added,
    '',
    'Next:',
    '  1. npm install: records the new workspace in package-lock.json.',
    `  2. Make plugins/${name}/src/ speak your repository's format (the template reads a JSON index),`,
    '     and keep the table of keys in its README.md to exactly the keys the plugin declares.',
    `  3. npm test -- plugins/${name}: builds, then runs its tests (the conformance test serves test/fixtures/).`,
    '  4. npm start: the server loads every folder of plugins/ at start.',
  ].join('\n');
}

const USAGE = 'usage: npm run new-plugin NAME [-- --root DIR]';

/** The command line: answers the exit code, having said what happened. */
export function main(args: string[], defaultRoot: string): number {
  const { values, positionals } = parseArgs({ args, options: { root: { type: 'string' } }, allowPositionals: true, strict: false });
  if (positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const name = positionals[0];
  try {
    console.log(nextSteps(newPlugin({ name, root: typeof values.root === 'string' ? values.root : defaultRoot }), name));
    return 0;
  } catch (error) {
    if (!(error instanceof NewPluginRefusal)) throw error;
    console.error(`new-plugin: ${error.message}`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2), path.resolve(__dirname, '..', '..'));
