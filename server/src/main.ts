import { BatonServer } from './baton-server';
import { loadSettings, SettingsError } from './config/settings';
import { createLogger } from './logger';

/** `npm start`: run Baton until SIGTERM or SIGINT. */
async function main(): Promise<void> {
  // Everything Baton creates is its own (PGlite creates its files 0666 less the umask); jobs'
  // processes are started with umask 022 (job-process.ts).
  process.umask(0o077);
  let settings;
  try {
    settings = loadSettings();
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    process.stderr.write(`baton: ${error.message}\n`);
    process.exit(2);
  }
  const logger = createLogger(settings.logLevel);
  let server: BatonServer;
  try {
    server = await BatonServer.start(settings, logger);
  } catch (error) {
    logger.fatal({ err: error }, `Baton could not start: ${(error as Error).message}`);
    process.exit(1);
  }
  const stop = (signal: string) => {
    logger.info({ signal }, 'signal received');
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'unclean shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

void main();
