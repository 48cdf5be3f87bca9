import fs from 'node:fs';
import { TEMPLATE_DATA_DIR } from './databases';

export default async function globalTeardown(): Promise<void> {
  fs.rmSync(TEMPLATE_DATA_DIR, { recursive: true, force: true });
}
