import { loadConfig } from './config.js';
import { openDatabase } from './database.js';

// `pnpm migrate`: applies pending migrations to DATABASE_URL and exits. The server also migrates
// at start-up; this runs them alone (before a deploy, say). Safe beside running servers.
const config = loadConfig(process.env).match(
  (c) => c,
  (line) => {
    console.error(`tickets: configuration error: ${line}`);
    process.exit(1);
  },
);
const database = openDatabase(config);
try {
  const applied = await database.migrate();
  console.log(
    applied.length === 0
      ? `tickets: ${config.databaseUrl} is up to date`
      : `tickets: applied ${applied.join(', ')} to ${config.databaseUrl}`,
  );
} catch (error) {
  console.error(`tickets: could not migrate ${config.databaseUrl}: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
