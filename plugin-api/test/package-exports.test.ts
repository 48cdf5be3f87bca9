import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';

/** The built package, as a plugin author imports it; build it first with `npx tsc -p plugin-api`. */
const DIST = join(__dirname, '..', 'dist');

function builtFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return builtFiles(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });
}

describe('@baton/plugin-api/testing', () => {
  it('resolves to the built kit through the package exports', () => {
    const resolved = require.resolve('@baton/plugin-api/testing');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- what is checked is how CommonJS require() resolves the export
    const kit = require('@baton/plugin-api/testing') as Record<string, unknown>;

    expect(resolved.replace(/\\/g, '/')).toMatch(/plugin-api\/dist\/testing\/index\.js$/);
    expect(['runConformance', 'describeConformance', 'createTestContext'].filter((name) => typeof kit[name] !== 'function')).toEqual([]);
  });

  it('requires nothing at run time but its own files and Node built-ins', () => {
    const required = builtFiles(join(DIST, 'testing')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1] ?? ''),
    );

    const foreign = required.filter((name) => !name.startsWith('.') && !builtinModules.includes(name.replace(/^node:/, '')));
    expect(required.length).toBeGreaterThan(0);
    expect(foreign).toEqual([]);
  });
});

describe('the types of the testing entries', () => {
  const resolution = (kind: ts.ModuleResolutionKind, name: string) => {
    const options: ts.CompilerOptions = {
      moduleResolution: kind,
      module: kind === ts.ModuleResolutionKind.Node16 ? ts.ModuleKind.Node16 : ts.ModuleKind.CommonJS,
    };
    return ts.resolveModuleName(name, join(__dirname, 'index.ts'), options, ts.sys).resolvedModule?.resolvedFileName.replace(/\\/g, '/');
  };

  it.each([
    ['@baton/plugin-api/testing', /plugin-api\/dist\/testing\/index\.d\.ts$/],
    ['@baton/plugin-kit/testing', /plugin-kit\/dist\/testing\/index\.d\.ts$/],
  ])('resolve %s under moduleResolution node16 and node', (name, expected) => {
    expect(resolution(ts.ModuleResolutionKind.Node16, name)).toMatch(expected);
    expect(resolution(ts.ModuleResolutionKind.Node10, name)).toMatch(expected);
  });
});
