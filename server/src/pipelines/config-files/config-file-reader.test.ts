import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parsePipelineYaml, readConfigFolder } from './config-file-reader';

describe('parsePipelineYaml', () => {
  it.each<[string, string, unknown[]]>([
    ['one pipeline', 'name: a\nstages: []\n', [{ name: 'a', stages: [] }]],
    ['a stream of two', 'name: a\n---\nname: b\n', [{ name: 'a' }, { name: 'b' }]],
    ['a stream with an empty document', '---\nname: a\n---\n', [{ name: 'a' }]],
    ['YAML 1.2 scalars (no yes/no booleans)', 'name: a\nlock: yes\nenv: { X: "1" }\n', [{ name: 'a', lock: 'yes', env: { X: '1' } }]],
  ])('reads %s', (_case, text, documents) => {
    expect(parsePipelineYaml('f.yaml', 'h', text)).toEqual({ file: 'f.yaml', hash: 'h', documents, errors: null });
  });

  it.each<[string, string, string]>([
    ['a syntax error', 'name: a\nmaterials: [\n', 'yaml'],
    ['a key given twice', 'name: a\nname: b\n', 'yaml'],
    ['an empty file', '', 'file'],
    ['only comments', '# nothing here\n', 'file'],
  ])('refuses %s', (_case, text, key) => {
    const content = parsePipelineYaml('f.yaml', 'h', text);

    expect(content.documents).toEqual([]);
    expect(Object.keys(content.errors ?? {})).toEqual([key]);
  });

  it("refuses aliases that would expand without bound, as the file's error", () => {
    // Nine levels, each repeating the one before ten times: 10^9 strings if expanded.
    const levels = [
      'l0: &l0 [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from({ length: 9 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(', ')}]`),
    ];

    const content = parsePipelineYaml('f.yaml', 'h', `name: a\n${levels.join('\n')}\n`);

    expect(content.documents).toEqual([]);
    expect(content.errors).toEqual({ yaml: [expect.stringContaining('aliases may expand at most 100 times')] });
  });

  it('reads a few aliases', () => {
    const content = parsePipelineYaml('f.yaml', 'h', 'name: a\nbase: &env { REGION: eu }\nenvironment: *env\n');

    expect(content.documents).toEqual([{ name: 'a', base: { REGION: 'eu' }, environment: { REGION: 'eu' } }]);
  });

  it.each(['__proto__', 'constructor', 'toString'])('reads a %s key as data, without touching a prototype', (key) => {
    const content = parsePipelineYaml('f.yaml', 'h', `name: a\n${key}: { polluted: yes }\n`);
    const document = content.documents[0] as Record<string, unknown>;

    expect(Object.keys(document)).toEqual(['name', key]);
    expect(Object.getPrototypeOf(document)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('readConfigFolder', () => {
  it('reads the YAML files at the top of the folder, by name, skipping hidden and other files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-config-reader-'));
    for (const name of ['b.yml', 'a.yaml', '.a.yaml.swp', '.hidden.yaml', 'notes.txt']) fs.writeFileSync(path.join(dir, name), 'name: x\n');
    fs.mkdirSync(path.join(dir, 'sub.yaml'));

    const files = await readConfigFolder(dir);

    expect(files!.map((f) => f.file)).toEqual(['a.yaml', 'b.yml']);
    expect(files![0].hash).toMatch(/^[0-9a-f]{64}$/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('counts a file that is gone when it is read as unreadable, not as removed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-config-gone-'));
    // Listed, but nothing there when read: what a file being replaced looks like for a moment.
    fs.symlinkSync(path.join(dir, 'missing-target.yaml.tmp'), path.join(dir, 'app.yaml'));

    const files = await readConfigFolder(dir);

    expect(files).toEqual([{ file: 'app.yaml', hash: '', documents: [], errors: { file: [expect.stringContaining('is gone')] } }]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('tells a folder that does not exist from an empty one', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-config-empty-'));

    expect(await readConfigFolder(path.join(os.tmpdir(), 'baton-no-such-folder-here'))).toBeNull();
    expect(await readConfigFolder(empty)).toEqual([]);
    fs.rmSync(empty, { recursive: true, force: true });
  });
});
