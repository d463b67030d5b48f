import { loadCalendar } from './calendar.js';
import { systemClock } from './clock.js';
import { loadConfig } from './config.js';

function fail(line: string): never {
  console.error(`tickets: configuration error: ${line}`);
  process.exit(1);
}

async function main(): Promise<void> {
  const config = loadConfig(process.env).match((c) => c, fail);
  // The holidays are worked out in another process while the server's code loads in this one.
  const [calendar, { serve }] = await Promise.all([
    loadCalendar(config, systemClock.now()),
    import('./serve.js'),
  ]);
  return serve(
    config,
    calendar.match((c) => c, fail),
    fail,
  );
}

main().catch((error: unknown) => {
  console.error(`tickets: could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
