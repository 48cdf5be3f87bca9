import { exportHeader, parseHeader, parseLine } from './export-format';
import { TransferError } from './transfer-error';

describe('export format', () => {
  it('reads back the header it writes', () => {
    const header = exportHeader(['20261126120000_create_package_repositories'], new Date('2026-11-27T10:00:00.000Z'));

    const parsed = parseHeader(JSON.stringify(header));

    expect(parsed).toEqual({
      format: 'baton-export',
      version: 1,
      schema: ['20261126120000_create_package_repositories'],
      exported_at: '2026-11-27T10:00:00.000Z',
    });
  });

  it.each([
    ['not JSON', '{"format"', /^line 1: not valid JSON/],
    ['another format', '{"format":"gocd-backup","version":1,"schema":[],"exported_at":"2026-11-27T10:00:00Z"}', /^line 1: not the header of a Baton export/],
    [
      'a newer version',
      '{"format":"baton-export","version":2,"schema":[],"exported_at":"2026-11-27T10:00:00Z"}',
      /^line 1: export format version 2 is not one this server reads \(1\)$/,
    ],
    [
      'a schema that is not a list of names',
      '{"format":"baton-export","version":1,"schema":[1],"exported_at":"2026-11-27T10:00:00Z"}',
      /^line 1: "schema" must be/,
    ],
    ['no time', '{"format":"baton-export","version":1,"schema":[],"exported_at":"yesterday"}', /^line 1: "exported_at" must be a time$/],
  ])('refuses a header with %s', (_case, text, message) => {
    expect(() => parseHeader(text)).toThrow(message);
    expect(() => parseHeader(text)).toThrow(TransferError);
  });

  it('reads a row line', () => {
    const line = parseLine('{"table":"events","row":{"id":7,"data":{"a":[1]}}}', 12);

    expect(line).toEqual({ table: 'events', row: { id: 7, data: { a: [1] } } });
  });

  it.each([
    ['an empty line', '', /^line 9: the line is empty$/],
    ['broken JSON', '{"table":"events","row":{', /^line 9: not valid JSON/],
    ['a list', '[1,2]', /^line 9: expected \{ "table"/],
    ['no row', '{"table":"events"}', /^line 9: expected \{ "table"/],
    ['a row that is a list', '{"table":"events","row":[]}', /^line 9: expected \{ "table"/],
    ['a table that is not a name', '{"table":3,"row":{}}', /^line 9: expected \{ "table"/],
    ['more than table and row', '{"table":"events","row":{},"extra":1}', /^line 9: expected \{ "table"/],
  ])('refuses %s, naming the line', (_case, text, message) => {
    expect(() => parseLine(text, 9)).toThrow(message);
  });
});
