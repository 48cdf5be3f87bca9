import { TransferError } from './transfer-error';

export const EXPORT_FORMAT = 'baton-export';
export const EXPORT_VERSION = 1;

/** The first line of an export. */
export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  /** The migrations applied to the exported database, oldest first. */
  schema: string[];
  exported_at: string;
}

/** Every further line: one row of one table, each column as the database renders it in JSON. */
export interface ExportLine {
  table: string;
  row: Record<string, unknown>;
}

export function exportHeader(schema: string[], exportedAt: Date): ExportHeader {
  return { format: EXPORT_FORMAT, version: EXPORT_VERSION, schema, exported_at: exportedAt.toISOString() };
}

/** Reads line 1; throws a TransferError that says what is wrong with it. */
export function parseHeader(text: string): ExportHeader {
  const value = parseJson(text, 1);
  if (!isObject(value) || value['format'] !== EXPORT_FORMAT) {
    throw new TransferError(`line 1: not the header of a Baton export (it must hold "format": "${EXPORT_FORMAT}")`);
  }
  if (value['version'] !== EXPORT_VERSION) {
    throw new TransferError(`line 1: export format version ${JSON.stringify(value['version'])} is not one this server reads (${EXPORT_VERSION})`);
  }
  const schema = value['schema'];
  if (!Array.isArray(schema) || !schema.every((name) => typeof name === 'string')) {
    throw new TransferError('line 1: "schema" must be the list of migration names');
  }
  const exportedAt = value['exported_at'];
  if (typeof exportedAt !== 'string' || Number.isNaN(Date.parse(exportedAt))) throw new TransferError('line 1: "exported_at" must be a time');
  return { format: EXPORT_FORMAT, version: EXPORT_VERSION, schema: schema, exported_at: exportedAt };
}

/** Reads a row line; throws a TransferError naming the line. */
export function parseLine(text: string, lineNumber: number): ExportLine {
  const value = parseJson(text, lineNumber);
  const keys = isObject(value) ? Object.keys(value).sort().join(',') : '';
  if (!isObject(value) || keys !== 'row,table' || typeof value['table'] !== 'string' || !isObject(value['row'])) {
    throw new TransferError(`line ${lineNumber}: expected { "table": "<name>", "row": { … } }`);
  }
  return { table: value['table'], row: value['row'] };
}

function parseJson(text: string, lineNumber: number): unknown {
  if (text.trim() === '') throw new TransferError(`line ${lineNumber}: the line is empty`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TransferError(`line ${lineNumber}: not valid JSON (${(error as Error).message})`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
