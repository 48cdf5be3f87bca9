import fs from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { sendProblem } from './problem';

/** Paths the UI never answers: the API, metrics and health keep their own 404s. */
const NOT_THE_UI = /^\/(api|metrics|healthz|readyz)(\/|$)/;

/** Every UI response carries these: no inline script can run, no other site can frame the UI. */
export const UI_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';

const NOT_BUILT = `Baton's web UI is not built: this server found no web/dist.
Build it with \`npm run build\` (or only the UI: \`npm run build -w web\`), then reload this page.
The API is unaffected: see /api/openapi.json.
`;

/**
 * The browser UI: hashed assets cached for good, and the app's index.html (never cached, so a new
 * build is picked up at once) for any other GET, so the app's own routes survive a reload.
 */
export function webUi(webDir: string): Router {
  const router = express.Router();
  const index = path.join(webDir, 'index.html');
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (NOT_THE_UI.test(req.path) || (req.method !== 'GET' && req.method !== 'HEAD')) return next('router');
    res.set(UI_SECURITY_HEADERS);
    next();
  });
  router.use(
    '/assets',
    express.static(path.join(webDir, 'assets'), {
      index: false,
      setHeaders: (res) => res.setHeader('Cache-Control', IMMUTABLE),
    }),
  );
  // An asset of another build is gone for good: the app's index.html in its place would be run as a script.
  router.use('/assets', (req: Request, res: Response) => sendProblem(res, 404, `There is no asset ${req.originalUrl} in this build of the web UI`));
  router.use(async (_req: Request, res: Response) => {
    const html = await fs.promises.readFile(index).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (html === null) {
      res.status(503).set('Cache-Control', 'no-store').type('text/plain').send(NOT_BUILT);
      return;
    }
    res.status(200).set('Cache-Control', 'no-cache').type('html').send(html);
  });
  return router;
}
