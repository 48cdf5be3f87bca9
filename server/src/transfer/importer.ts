import type { Database } from '../db/database';
import type { SecretBox } from '../security/secret-box';
import { verifySecretKey } from '../security/secret-key';
import type { ExportReader } from './export-reader';
import type { TransferSummary } from './exporter';
import { resetSequences } from './sequences';
import { describeTables, type TableShape } from './table-catalog';
import { TableWriter } from './table-writer';
import { TransferError } from './transfer-error';
import { TRANSFER_TABLES } from './transfer-tables';

/**
 * Reads an export's rows (after its header) into an empty, migrated database: one transaction
 * per table. If anything goes wrong after the first row, every row this import wrote is removed
 * again, so that the import can simply be run once more.
 */
export async function importDatabase(db: Database, reader: ExportReader, secretBox: SecretBox): Promise<TransferSummary> {
  const tables = await describeTables(db.knex, TRANSFER_TABLES);
  const holding = await tablesHoldingRows(db, tables);
  if (holding.length > 0) {
    throw new TransferError(`the database already holds data (in ${holding.join(', ')}): import only into a new, empty database`);
  }
  const run = new ImportRun(db, tables, secretBox);
  try {
    return await run.readAll(reader);
  } catch (error) {
    await run.undo();
    throw error;
  }
}

async function tablesHoldingRows(db: Database, tables: TableShape[]): Promise<string[]> {
  const holding: string[] = [];
  for (const table of tables) {
    const result = await db.knex.raw<{ rows: { present: boolean }[] }>('SELECT EXISTS (SELECT 1 FROM ??) AS present', [table.name]);
    if (result.rows[0]?.present) holding.push(table.name);
  }
  return holding;
}

class ImportRun {
  private writer: TableWriter | null = null;
  private position = -1;
  private keyChecked = false;
  private readonly summary: TransferSummary = { tables: 0, rows: 0 };

  constructor(
    private readonly db: Database,
    private readonly tables: TableShape[],
    private readonly secretBox: SecretBox,
  ) {}

  async readAll(reader: ExportReader): Promise<TransferSummary> {
    for (let next = await reader.next(); next !== null; next = await reader.next()) {
      const { lineNumber, line } = next;
      if (this.writer?.table.name !== line.table) await this.startTable(line.table, lineNumber);
      await this.writer!.add(line.row, lineNumber);
    }
    await this.finishTable();
    await this.checkKey();
    return this.summary;
  }

  /** Removes every row this import wrote; the database was empty before it began. */
  async undo(): Promise<void> {
    await this.writer?.rollback();
    await this.db.knex.transaction(async (trx) => {
      for (const table of [...this.tables].reverse()) {
        await trx(table.name).delete();
        await resetSequences(trx, table);
      }
    });
  }

  private async startTable(name: string, lineNumber: number): Promise<void> {
    const position = this.tables.findIndex((table) => table.name === name);
    if (position < 0) {
      const why = TRANSFER_TABLES.includes(name) ? 'this database has no table' : 'an export holds no table';
      throw new TransferError(`line ${lineNumber}: ${why} ${name}`);
    }
    if (position <= this.position) {
      throw new TransferError(`line ${lineNumber}: rows of ${name} must come before those of ${this.tables[this.position].name}, as an export writes them`);
    }
    await this.finishTable();
    // server_meta comes first: its rows are in, so the key can be checked before anything else.
    if (name !== this.tables[0].name) await this.checkKey();
    this.position = position;
    this.writer = await TableWriter.begin(this.db.knex, this.tables[position]);
  }

  private async finishTable(): Promise<void> {
    if (this.writer === null) return;
    this.summary.rows += await this.writer.commit();
    this.summary.tables += 1;
    this.writer = null;
  }

  private async checkKey(): Promise<void> {
    if (this.keyChecked) return;
    try {
      await verifySecretKey(this.db, this.secretBox);
    } catch (error) {
      throw new TransferError(
        `${(error as Error).message} The secure values in this export would not decrypt: import with the key of the database it came from ` +
          '(from the embedded database: BATON_SECRET_KEY=$(cat <its data directory>/secret.key)).',
      );
    }
    this.keyChecked = true;
  }
}
