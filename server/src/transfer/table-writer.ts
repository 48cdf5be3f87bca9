import type { Knex } from 'knex';
import { resetSequences } from './sequences';
import type { TableShape } from './table-catalog';
import { TransferError } from './transfer-error';

const BATCH_ROWS = 500;

/**
 * Writes one table's rows in one transaction, a batch at a time. The database converts each value
 * back to its column's type (timestamps from text, jsonb from JSON) through
 * jsonb_populate_recordset: the exact reverse of to_jsonb on export.
 */
export class TableWriter {
  private batch: Record<string, unknown>[] = [];
  private batchFirstLine = 0;
  private batchLastLine = 0;
  private written = 0;

  private constructor(
    private readonly trx: Knex.Transaction,
    readonly table: TableShape,
  ) {}

  static async begin(knex: Knex, table: TableShape): Promise<TableWriter> {
    return new TableWriter(await knex.transaction(), table);
  }

  async add(row: Record<string, unknown>, lineNumber: number): Promise<void> {
    const unknown = Object.keys(row).find((column) => !this.table.columns.includes(column));
    if (unknown !== undefined) throw new TransferError(`line ${lineNumber}: the table ${this.table.name} has no column ${unknown}`);
    if (this.batch.length === 0) this.batchFirstLine = lineNumber;
    this.batchLastLine = lineNumber;
    this.batch.push(row);
    if (this.batch.length >= BATCH_ROWS) await this.flush();
  }

  /** Writes what is left, moves the id sequences past the imported ids, commits; answers the row count. */
  async commit(): Promise<number> {
    await this.flush();
    await resetSequences(this.trx, this.table);
    await this.trx.commit();
    return this.written;
  }

  async rollback(): Promise<void> {
    if (!this.trx.isCompleted()) await this.trx.rollback(new TransferError('import abandoned')).catch(() => undefined);
  }

  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const columns = this.table.columns.filter((column) => this.batch.some((row) => Object.hasOwn(row, column)));
    const list = columns.map(() => '??').join(', ');
    try {
      await this.trx.raw(`INSERT INTO ?? (${list}) SELECT ${list} FROM jsonb_populate_recordset(NULL::??, CAST(? AS jsonb))`, [
        this.table.name,
        ...columns,
        ...columns,
        this.table.name,
        JSON.stringify(this.batch),
      ]);
    } catch (error) {
      const lines = this.batchFirstLine === this.batchLastLine ? `line ${this.batchFirstLine}` : `lines ${this.batchFirstLine}–${this.batchLastLine}`;
      throw new TransferError(`${lines} (${this.table.name}): ${databaseMessage(error)}`);
    }
    this.written += this.batch.length;
    this.batch = [];
  }
}

/** The database's own words, without the statement knex puts in front of them. */
function databaseMessage(error: unknown): string {
  const { message, detail } = error as { message: string; detail?: unknown };
  const reason = message.includes(' - ') ? message.slice(message.indexOf(' - ') + 3) : message;
  return typeof detail === 'string' && detail !== '' ? `${reason} (${detail})` : reason;
}
