/**
 * Test helpers for plugin authors: a loopback server that serves fixture files like a static
 * web server, and compression of fixtures as repositories publish them. Nothing here is needed
 * at run time.
 *
 * @example
 * ```ts
 * import { startFixtureServer } from '@baton/plugin-kit/testing';
 * ```
 */
export { startFixtureServer, type FixtureServer, type FixtureServerOptions, type RecordedRequest } from './fixture-server';
export { compress, type Codec } from './compress';
