import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBusinessCalendar } from '@tickets/domain';
import { createDateHolidaysSource } from '@tickets/holidays';
import { requireFaketime } from '@tickets/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { client, type ServerProcess, startServer } from './testing/server-process.js';

// What the server's calendar must agree with: Colombia's holidays from date-holidays, in this process.
const bogota = createBusinessCalendar({
  timeZone: 'America/Bogota',
  weekdays: [1, 2, 3, 4, 5],
  holidays: createDateHolidaysSource('CO')._unsafeUnwrap(),
})._unsafeUnwrap();

/** The pid of the server process itself (pnpm runs it in a child), from its log lines. */
function serverPid(server: ServerProcess): number {
  const match = /"pid":(\d+)[^\n]*listening on/.exec(server.output());
  if (match?.[1] === undefined) throw new Error(`no pid in the output:\n${server.output()}`);
  return Number(match[1]);
}

const childrenOf = (pid: number) =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        // The parent pid is the second field after the command name in parentheses.
        return readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ')[1] === String(pid);
      } catch {
        return false; // Gone meanwhile.
      }
    });

async function seed(api: ReturnType<typeof client>) {
  expect((await api.put('/api/v1/zones/2', { name: 'Centro', max_active_tickets: 10 })).status).toBe(200);
  expect((await api.put('/api/v1/technicians/5', { name: 'Ana Gómez' })).status).toBe(200);
  expect((await api.put('/api/v1/services/100', { zone_id: 2 })).status).toBe(200);
}

const ticketBody = {
  service_id: 100,
  subject: 'Falla Masiva',
  description: 'Cliente reporta intermitencia en el servicio de internet',
  technician_id: 5,
  zone_id: 2,
};

interface TicketData {
  readonly ticket_id: number;
  readonly created_at: string;
  readonly end_date: string;
  readonly business_days_left: number;
}

/** The resolution date Colombia's calendar gives `days` business days after a local `created_at`. */
function expectedEnd(createdAt: string, days: number): string {
  const created = bogota.instantOf(createdAt);
  if (created === undefined) throw new Error(`not a local time: ${createdAt}`);
  return bogota.format(bogota.addBusinessDays(created, days));
}

describe('pnpm start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickets-start-'));

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the bundle built at install with plain node, whose holidays worker has exited once it listens', async () => {
    const server = await startServer({ env: { DATABASE_URL: 'memory:' } });
    try {
      const pid = serverPid(server);
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      expect(commandLine.slice(1)).toEqual(['apps/server/dist/main.js']);
      const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      const nodeOptions = environment.find((line) => line.startsWith('NODE_OPTIONS=')) ?? '';
      expect(nodeOptions).not.toContain('tsx');
      expect(childrenOf(pid)).toEqual([]);
      const health = await fetch(`${server.baseUrl}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it("gives the resolution dates of date-holidays' calendar, across a year of holidays", async () => {
    const server = await startServer({ env: { DATABASE_URL: 'memory:', MAX_TICKET_RESOLUTION_DAYS: '250' } });
    try {
      const api = client(server.baseUrl);
      await seed(api);
      const created = await api.post<TicketData>('/api/v1/tickets', ticketBody);
      expect(created.status).toBe(201);
      expect(created.body.data.end_date).toBe(expectedEnd(created.body.data.created_at, 250));
    } finally {
      await server.stop();
    }
  }, 60_000);

  // A ticket made on the Friday before a Monday holiday, then read by a server started 14 years
  // later, whose worker has not computed 2026: it asks another for the years in between.
  it.skipIf(!requireFaketime())(
    "agrees with date-holidays next to a holiday, and on years outside its worker's (runs under faketime)",
    async () => {
      const env = { TZ: 'UTC', DATABASE_URL: `sqlite:${join(dir, 'holidays.db')}` };
      const first = await startServer({ env, fakeTime: '2026-03-20 15:00:00' });
      let ticket: TicketData;
      try {
        const api = client(first.baseUrl);
        await seed(api);
        const created = await api.post<TicketData>('/api/v1/tickets', ticketBody);
        ticket = created.body.data;
        // Monday 23 March 2026 (San José) is a holiday.
        expect(ticket.end_date).toBe('2026-03-26 10:00');
        expect(ticket.end_date).toBe(expectedEnd(ticket.created_at, 3));
      } finally {
        await first.stop();
      }
      const later = await startServer({ env, fakeTime: '2040-06-01 15:00:00' });
      try {
        const read = await client(later.baseUrl).get<TicketData>(`/api/v1/tickets/${ticket.ticket_id}`);
        const end = bogota.instantOf(ticket.end_date) as number;
        expect(read.body.data.business_days_left).toBe(
          bogota.businessDaysBetween(Date.parse('2040-06-01T15:00:00Z'), end),
        );
        expect(read.body.data.business_days_left).toBeLessThan(-3000);
      } finally {
        await later.stop();
      }
    },
    90_000,
  );
});
