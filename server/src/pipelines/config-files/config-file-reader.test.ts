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
});

describe('readConfigFolder', () => {
  it('reads the YAML files at the top of the folder, by name, skipping hidden and other files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-config-reader-'));
    for (const name of ['b.yml', 'a.yaml', '.a.yaml.swp', '.hidden.yaml', 'notes.txt']) fs.writeFileSync(path.join(dir, name), 'name: x\n');
    fs.mkdirSync(path.join(dir, 'sub.yaml'));

    const files = await readConfigFolder(dir);

    expect(files!.map((f) => f.file)).toEqual(['a.yaml', 'b.yml']);
    expect(files![0]!.hash).toMatch(/^[0-9a-f]{64}$/);
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
