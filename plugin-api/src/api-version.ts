/**
 * The version of the plugin API this package describes. A plugin declares the version it was
 * built for in its `package.json` (`"baton": { "apiVersion": 1 }`); the host refuses plugins
 * built for a version it does not speak.
 *
 * @example
 * ```ts
 * import { PLUGIN_API_VERSION } from '@baton/plugin-api';
 * console.log(`built for plugin API v${PLUGIN_API_VERSION}`);
 * ```
 */
export const PLUGIN_API_VERSION = 1;
