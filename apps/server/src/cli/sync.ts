import { type RemoteFailure, runJob, WISPHUB_JOBS } from '@tickets/domain';
import type { Result } from 'neverthrow';
import { buildCalendar } from '../build-calendar.js';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { openDatabase } from '../database.js';
import { loadSubjects, processHolder, wisphubFor } from '../settings.js';
import { createProgressBar, type ProgressBar } from './progress.js';

const count = (n: number) => n.toLocaleString('en-US');
const detailOf = (failure: RemoteFailure) =>
  failure.type === 'refused' ? `WispHub answered ${failure.status}: ${failure.detail}` : failure.detail;
// A server may be running the same pull right now; it is waited for this long at most.
const WAIT_FOR_LEASE_MS = 30_000;

/**
 * `pnpm tickets sync wisphub`: one pull of WispHub's clients (zones, technicians, services), with
 * a progress bar, then one of its ticket states, recorded as the server's own pulls are.
 */
export async function syncWispHub(
  config: Config,
  exits: { failed(line: string): never; configurationError(line: string): never },
): Promise<void> {
  const settings = config.wisphub;
  if (settings === undefined) {
    exits.configurationError('WISPHUB_URL and WISPHUB_API_KEY must be set to sync with WispHub');
  }
  const calendar = buildCalendar(config, systemClock.now()).match((c) => c, exits.configurationError);
  const subjects = loadSubjects(config).match((s) => s, exits.configurationError);
  const database = openDatabase(config);
  try {
    await database.migrate();
  } catch (error) {
    exits.failed(`cannot open the database ${config.databaseUrl}: ${(error as Error).message}`);
  }
  const { sync } = wisphubFor(config, settings, database.store, calendar, subjects);
  const holder = processHolder('cli:');
  const job = async <T>(name: string, work: () => Promise<Result<T, RemoteFailure>>) => {
    const deadline = Date.now() + WAIT_FOR_LEASE_MS;
    for (;;) {
      const run = await runJob(
        database.store,
        systemClock,
        { name, holder, timing: { everyMs: 0, leaseMs: 600_000 } },
        work,
      );
      if (run.ran) return run.result;
      if (Date.now() > deadline)
        exits.failed(`a server has been running ${name} for over 30 s; try again later`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };

  let bar: ProgressBar | undefined;
  const references = await job(WISPHUB_JOBS.references, () =>
    sync.pullReferences(({ clients, count: total }) => {
      if (process.stderr.isTTY) {
        bar ??= createProgressBar({ terminal: process.stderr, label: 'clients', totalBytes: total });
        bar.update(clients, clients, clients >= total);
      }
    }),
  );
  bar?.clear();
  const pulled = references.match(
    (r) => r,
    (failure) => exits.failed(`could not read WispHub's clients: ${detailOf(failure)}`),
  );
  console.log(
    `clients: ${count(pulled.clients)} read over ${count(pulled.pages)} pages: ${count(pulled.zones)} zones, ` +
      `${count(pulled.technicians)} technicians, ${count(pulled.services)} services` +
      (pulled.without_zone > 0 ? ` (${count(pulled.without_zone)} clients without a zone left out)` : '') +
      (pulled.unreadable > 0 ? `; ${count(pulled.unreadable)} unreadable records` : ''),
  );
  const statuses = (await job(WISPHUB_JOBS.statuses, () => sync.pullStatuses())).match(
    (s) => s,
    (failure) => exits.failed(`could not read WispHub's tickets: ${detailOf(failure)}`),
  );
  console.log(
    `tickets: ${count(statuses.checked)} active in WispHub: ${count(statuses.imported)} brought in, ` +
      `${count(statuses.updated)} updated, ${count(statuses.adopted)} found delivered` +
      (statuses.skipped > 0 ? `, ${count(statuses.skipped)} without a zone left out` : ''),
  );
  await database.close();
}
