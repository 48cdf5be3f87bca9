// The lint rules state the architecture (which areas may import which) as well as the code's
// hygiene: a finding here is a design question before it is a style one.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const SERVER = (area) => [`**/server/src/${area}/**`, `../${area}/*`, `../../${area}/*`, `./${area}/*`];

const DOMAIN = ['materials', 'pipelines', 'agents', 'events'].flatMap(SERVER);
const EXPRESS = [['express', 'express/*'], 'only server/src/http/ knows HTTP frameworks'];
const NO_HTTP = [SERVER('http'), 'domain areas never import http/'];

/** `no-restricted-imports` patterns, each group with the reason a reader sees. */
const forbid = (...groups) => ({
  'no-restricted-imports': ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }],
});

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/fixtures/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs', 'web/src/api/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { project: ['./tsconfig.eslint.json'], tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js'] } }, 'import-x/extensions': ['.ts'] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Off: most async functions without an await implement a Promise-returning contract (a
      // plugin's methods, a route's handler, a key-value store), and `async` is what turns their
      // throws into rejections, which the plugin host and the router rely on. Without it, each
      // would need a try/catch around Promise.resolve. A missing await is still caught, by
      // no-floating-promises and no-misused-promises.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The browser UI has its own compiler settings (DOM, JSX) and knows the server only through the generated API client.
    files: ['web/**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { project: ['./web/tsconfig.json'], tsconfigRootDir: import.meta.dirname } },
    rules: forbid([
      ['**/server/**', '@baton/*', 'express'],
      'the web UI reaches the server only over HTTP, through the client generated from its OpenAPI document',
    ]),
  },
  {
    files: ['plugin-api/**/*.ts'],
    rules: forbid([['**/server/**', '@baton/server*', '**/plugins/**'], 'plugin-api is the contract: it imports nothing of the server or of plugins']),
  },
  {
    files: ['plugins/*/src/**/*.ts', 'templates/*/src/**/*.ts'],
    rules: forbid([['**/server/**', '**/test/**', '../../*/src/**'], 'a plugin imports only @baton/plugin-api, the plugin kit and its own dependencies']),
  },
  {
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/http/**'],
    rules: forbid(EXPRESS),
  },
  {
    files: ['server/src/{pipelines,events}/**/*.ts'],
    rules: forbid(EXPRESS, NO_HTTP),
  },
  {
    files: ['server/src/materials/**/*.ts'],
    rules: forbid(EXPRESS, NO_HTTP, [SERVER('pipelines'), 'materials never know who consumes their revisions: pipelines learn of them from events']),
  },
  {
    files: ['server/src/agents/**/*.ts'],
    rules: forbid(EXPRESS, NO_HTTP, [SERVER('pipelines'), 'pipelines hand jobs to agents, never the reverse: shared job and task types live in agents/']),
  },
  {
    files: ['server/src/events/**/*.ts'],
    rules: forbid(EXPRESS, NO_HTTP, [
      [...SERVER('materials'), ...SERVER('pipelines'), ...SERVER('agents')],
      'events serve every domain area and import none of them: shared helpers live at the top of server/src',
    ]),
  },
  {
    files: ['server/src/config/**/*.ts'],
    rules: forbid([
      [...DOMAIN, ...SERVER('http'), ...SERVER('plugins'), ...SERVER('security'), ...SERVER('db')],
      'every area imports config, so config imports none of them: what a setting needs to be parsed lives in config/',
    ]),
  },
  {
    files: ['server/src/db/**/*.ts'],
    rules: forbid([[...DOMAIN, ...SERVER('http')], 'db serves the domain areas and imports none of them']),
  },
  {
    // Tests read JSON answers as `any`: the test client checks every answer against the OpenAPI
    // document first, so typing each read again would only repeat the schemas. Jest's mocks and
    // expect(obj.method) name methods without calling them.
    files: ['**/*.test.ts', 'test/**/*.ts', 'plugins/*/test/**/*.ts', 'templates/*/test/**/*.ts', 'plugin-api/test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
