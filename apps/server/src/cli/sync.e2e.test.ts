import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WISPHUB_JOBS } from '@tickets/domain';
import { freePort } from '@tickets/testing';
import { createWispHubSimulator } from '@tickets/wisphub-sim';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { openDatabase } from '../database.js';
import { runTickets } from '../testing/run-tickets.js';

/** `pnpm tickets`, without the line pnpm adds of its own when a script fails. */
async function tickets(args: readonly string[], env: Readonly<Record<string, string>>) {
  const run = await runTickets(args, env);
  return { ...run, stderr: run.stderr.replace(/^.*ELIFECYCLE.*\n?/m, '') };
}

describe('pnpm tickets sync wisphub', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickets-sync-e2e-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("pulls WispHub's clients and ticket states once, by hand, and records the pull for the API", async () => {
    const sim = createWispHubSimulator({ clients: 300, zones: 7, technicians: 4, pageSize: 50 });
    const { url } = await sim.start();
    try {
      const service = sim.clients().find((c) => c.zona !== null && c.tecnico !== null);
      sim.openTicket({
        servicio: service?.id_servicio ?? 1,
        asunto: 'Sin Internet',
        descripcion: 'x',
        estado: 1,
        prioridad: 3,
      });
      const env = {
        DATABASE_URL: `sqlite:${join(dir, 't.db')}`,
        WISPHUB_URL: url,
        WISPHUB_API_KEY: sim.apiKey,
      };
      const run = await tickets(['sync', 'wisphub'], env);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const withZone = sim.clients().filter((c) => c.zona !== null).length;
      expect(run.stdout).toBe(
        `clients: 300 read over 6 pages: 7 zones, 4 technicians, ${withZone} services (${300 - withZone} clients without a zone left out)\n` +
          'tickets: 1 active in WispHub: 1 brought in, 0 updated, 0 found delivered\n',
      );
      const database = openDatabase(loadConfig(env)._unsafeUnwrap());
      try {
        expect(await database.store.listServices({ limit: 1000 })).toHaveLength(withZone);
        expect((await database.store.jobRun(WISPHUB_JOBS.references))?.ok).toBe(true);
        expect(await database.store.countActiveTickets(service?.zona?.id ?? 0, [1])).toBe(1);
      } finally {
        await database.close();
      }
    } finally {
      await sim.close();
    }
  }, 60_000);

  it('says what is missing when WispHub is not configured or cannot be reached', async () => {
    const env = { DATABASE_URL: `sqlite:${join(dir, 'u.db')}` };
    expect(await tickets(['sync', 'wisphub'], env)).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'tickets: configuration error: WISPHUB_URL and WISPHUB_API_KEY must be set to sync with WispHub\n',
    });
    const down = await tickets(['sync', 'wisphub'], {
      ...env,
      WISPHUB_URL: `http://127.0.0.1:${await freePort()}`,
      WISPHUB_API_KEY: 'k',
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toBe("tickets: could not read WispHub's clients: cannot connect (ECONNREFUSED)\n");
    expect((await tickets(['sync', 'crm'], env)).stderr).toMatch(
      /^tickets: cannot sync with "crm": wisphub\n/,
    );
  }, 60_000);
});
