import { createRequire } from 'node:module';

/** The options of `@npmcli/config` that the plugin gives. */
export interface NpmCliConfigOptions {
  definitions: unknown;
  shorthands: unknown;
  flatten: unknown;
  nerfDarts: unknown;
  npmPath: string;
  env: Record<string, string | undefined>;
  argv: string[];
  cwd: string;
  warn: boolean;
}

/** What `getCredentialsByURI` answers. */
export interface NpmCliCredentials {
  token?: string;
  username?: string;
  password?: string;
}

/** The part of `@npmcli/config`'s Config class that the plugin uses. */
export interface NpmCliConfig {
  load(): Promise<void>;
  get(key: string): unknown;
  getCredentialsByURI(uri: string): NpmCliCredentials;
}

/** npm's definitions of its settings, which the Config class is built from. */
export interface NpmCliDefinitions {
  definitions: Record<string, { default: unknown } | undefined>;
  shorthands: unknown;
  flatten: unknown;
  nerfDarts: unknown;
}

// @npmcli/config ships no type declarations: it is loaded here and typed by the interfaces above.
const load = createRequire(__filename);

export const NpmCliConfigClass = load('@npmcli/config') as new (options: NpmCliConfigOptions) => NpmCliConfig;
export const npmCliDefinitions = load('@npmcli/config/lib/definitions') as NpmCliDefinitions;
