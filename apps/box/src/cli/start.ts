import { loadConfig } from '@switchboard/core';
import { startBox } from '../box';

/** `switchboard start`: run until SIGINT/SIGTERM. */
export async function runStart(): Promise<number> {
  const config = loadConfig();
  const box = await startBox(config);
  const models = box.models.list().map((model) => model.ref);
  console.log(`\nSwitchboard is running.
  web chat:  ${box.url}
  database:  ${config.databaseUrl ? 'Postgres (DATABASE_URL)' : `PGlite in ${config.dataDir}`}
  models:    ${models.length > 0 ? models.join(', ') : 'none yet: set OPENAI_API_KEY or OPENAI_BASE_URL (see .env.example)'}
Press Ctrl+C to stop.\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('Stopping…');
  await box.stop();
  return 0;
}
