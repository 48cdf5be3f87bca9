import fs from 'node:fs';
import { TEMPLATE_DIR_VARIABLE } from './databases';

export default async function globalTeardown(): Promise<void> {
  const dir = process.env[TEMPLATE_DIR_VARIABLE];
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
