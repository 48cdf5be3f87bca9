import { loadSettings, SettingsError } from './config/settings';
import { openDatabase } from './db/database';
import { Migrator } from './db/migrator';
import { exportCommand, importCommand } from './transfer/transfer-commands';
import { routeTableDocument } from './http/route-table-document';

const USAGE = `usage: baton <command>

commands:
  migrate   bring the database (embedded, or DATABASE_URL) to the newest schema
  export    write every row of the database as JSON Lines to standard output (baton export > file)
  import    read an export from standard input into a new, empty database (baton import < file)
  openapi   write this build's OpenAPI document to standard output, without starting a server
`;

/** Administrative commands: `npm run migrate`, `npm run baton -- <command>`. */
async function cli(args: string[]): Promise<number> {
  const [command] = args;
  if (command === 'migrate') return migrate();
  if (command === 'export') return exportCommand();
  if (command === 'import') return importCommand();
  if (command === 'openapi') return openapi();
  process.stderr.write(command ? `baton: unknown command '${command}'\n\n${USAGE}` : USAGE);
  return 2;
}

async function migrate(): Promise<number> {
  const settings = loadSettings();
  const db = await openDatabase({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir });
  try {
    const applied = await new Migrator(db, settings.migrationsDir).latest();
    process.stdout.write(applied.length > 0 ? `applied:\n${applied.map((n) => `  ${n}\n`).join('')}` : 'the schema is current\n');
    return 0;
  } finally {
    await db.close();
  }
}

async function openapi(): Promise<number> {
  // Waits for the write: the process exits right after, and a pipe takes a large document in pieces.
  await new Promise<void>((resolve, reject) =>
    process.stdout.write(`${JSON.stringify(routeTableDocument(), null, 2)}\n`, (error) => (error ? reject(error) : resolve())),
  );
  return 0;
}

cli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`baton: ${error instanceof SettingsError ? error.message : ((error as Error).stack ?? String(error))}\n`);
    process.exit(1);
  },
);
