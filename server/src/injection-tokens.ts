/** Tokens of the dependency container; classes are registered under their own constructors. */
export const TOKENS = {
  settings: Symbol('Settings'),
  logger: Symbol('Logger'),
  database: Symbol('Database'),
  secretBox: Symbol('SecretBox'),
  pluginHost: Symbol('PluginHost'),
  apiServices: Symbol('ApiServices'),
} as const;
