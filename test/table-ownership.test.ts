import fs from 'node:fs';
import path from 'node:path';
import { TABLE_ACCESS_EXCEPTIONS, TABLE_OWNERS } from '../server/src/db/table-owners';
import { TABLES, WEBHOOK_TABLES } from '../server/src/db/tables';
import { PROJECT_ROOT } from './support/databases';

const SOURCE = path.join(PROJECT_ROOT, 'server', 'src');
/** The map and the names themselves, which name every table by definition. */
const NOT_SCANNED = new Set(['db/tables.ts', 'db/table-owners.ts']);

const CONSTANTS: Record<string, Record<string, string>> = { TABLES, WEBHOOK_TABLES };
const ALL_TABLES = [...Object.values(TABLES), ...Object.values(WEBHOOK_TABLES)];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** The code without its comments: prose about a table is not a query on it. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

/**
 * The tables a piece of code names: through the name constants, in SQL it writes out (FROM, JOIN,
 * INTO, UPDATE, TABLE), or as the sole argument of a query builder call (`knex('name')`).
 */
function tablesNamedIn(text: string): Set<string> {
  const code = withoutComments(text);
  const named = new Set<string>();
  for (const match of code.matchAll(/\b(TABLES|WEBHOOK_TABLES)\.(\w+)/g)) {
    const table = CONSTANTS[match[1]][match[2]];
    if (table) named.add(table);
  }
  for (const table of ALL_TABLES) {
    const inSql = new RegExp(`\\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\\s+(?:ONLY\\s+)?"?${table}"?\\b`);
    const inBuilder = new RegExp(`\\(\\s*['"\`]${table}(?:\\s+as\\s+\\w+)?['"\`]\\s*\\)`);
    if (inSql.test(code) || inBuilder.test(code)) named.add(table);
  }
  return named;
}

function relative(file: string): string {
  return path.relative(SOURCE, file).split(path.sep).join('/');
}

const named = new Map(
  sourceFiles(SOURCE)
    .map((file) => [relative(file), tablesNamedIn(fs.readFileSync(file, 'utf8'))] as const)
    .filter(([file]) => !NOT_SCANNED.has(file)),
);

describe('table ownership', () => {
  it('finds a table however the code names it, and not in comments', () => {
    expect([...tablesNamedIn('q(TABLES.jobRuns).where({ id })')]).toEqual(['job_runs']);
    expect([...tablesNamedIn('`SELECT 1 FROM stage_runs s JOIN pipeline_runs r ON r.id = s.run_id`')].sort()).toEqual(['pipeline_runs', 'stage_runs']);
    expect([...tablesNamedIn("knex('webhook_deliveries').insert(row)")]).toEqual(['webhook_deliveries']);
    expect([...tablesNamedIn('UPDATE packages SET name = ?')]).toEqual(['packages']);
    expect([...tablesNamedIn('// read FROM events, then UPDATE packages\n/* INSERT INTO job_runs */')]).toEqual([]);
    expect([...tablesNamedIn("tag: 'webhooks', collection('webhooks', ref('Webhook'))")]).toEqual([]);
  });

  it('gives every table exactly one owner, which names it', () => {
    for (const table of ALL_TABLES) {
      const owner = TABLE_OWNERS[table];
      expect({ table, owner }).toEqual({ table, owner: expect.objectContaining({ file: expect.any(String) }) });
      expect({ table, file: owner.file, names: named.get(owner.file)?.has(table) ?? false }).toEqual({ table, file: owner.file, names: true });
    }
  });

  it('lets no file but its owner touch a table, beyond the listed exceptions', () => {
    const trespasses: string[] = [];
    for (const [file, tables] of named) {
      for (const table of tables) {
        const owner = TABLE_OWNERS[table];
        if (owner.file === file) continue;
        if (TABLE_ACCESS_EXCEPTIONS.some((e) => e.file === file && e.tables.includes(table))) continue;
        trespasses.push(`${file} touches ${table}, which ${owner.owner} (${owner.file}) owns: ask it`);
      }
    }
    expect(trespasses).toEqual([]);
  });

  it('lists no exception the code does not need', () => {
    const stale = TABLE_ACCESS_EXCEPTIONS.flatMap((e) =>
      e.tables.filter((table) => !(named.get(e.file)?.has(table) ?? false)).map((table) => `${e.file} no longer touches ${table}`),
    );
    expect(stale).toEqual([]);
  });

  it('keeps read models to reading', () => {
    const readModels = [...named.keys()].filter((file) => file.endsWith('-queries.ts'));
    const writing = readModels.filter((file) =>
      /\.(insert|update|delete|del|forUpdate)\(|\b(INSERT|UPDATE|DELETE)\b/.test(withoutComments(fs.readFileSync(path.join(SOURCE, file), 'utf8'))),
    );
    expect(writing).toEqual([]);
  });
});
