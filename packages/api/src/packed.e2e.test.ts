import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireNpmRegistry } from '@tickets/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The three published packages as a stranger gets them: `pnpm build`, `pnpm pack` of domain,
 * holidays and api, installed with npm in an empty folder outside the workspace, then a browser
 * project's type check of a tRPC client and plain `node` running each package.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const run = (command: string, args: readonly string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const CLIENT = `import type { AppRouter } from '@tickets/api';
import { createTRPCClient, httpBatchLink } from '@trpc/client';

const trpc = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: 'http://localhost:3000/trpc' })] });

export async function open(): Promise<number> {
  const reply = await trpc.tickets.create.mutate({
    service_id: 100,
    subject: 'Falla Masiva',
    description: 'Caído',
    technician_id: 5,
    zone_id: 1,
  });
  if (reply.action === 'zone_ticket_limit_reached') return reply.data.max_tickets;
  if (reply.action === 'ticket_creation_failed') return reply.meta?.errors.length ?? 0;
  // @ts-expect-error a create never answers ticket_not_found
  if (reply.action === 'ticket_not_found') return 0;
  // @ts-expect-error ids are numbers
  await trpc.tickets.get.query({ ticket_id: 'abc' });
  // @ts-expect-error a zone id as text is not one
  await trpc.zones.save.mutate({ zone_id: 'one', name: 'x' });
  return reply.action === 'ticket_created' ? reply.data.ticket_id : 0;
}
`;

const BROWSER_TSCONFIG = {
  compilerOptions: {
    strict: true,
    lib: ['ES2022', 'DOM', 'ESNext.Disposable'],
    types: [],
    module: 'ESNext',
    moduleResolution: 'Bundler',
    target: 'ES2022',
    skipLibCheck: false,
    noEmit: true,
  },
  include: ['client.ts'],
};

const EXAMPLE_TSCONFIG = {
  compilerOptions: {
    strict: true,
    lib: ['ES2022', 'DOM'],
    types: [],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    target: 'ES2022',
    outDir: 'out',
  },
  include: ['custom-store.ts'],
};

describe.skipIf(!requireNpmRegistry())('the packed packages, outside the workspace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickets-packed-'));
  const project = join(dir, 'project');

  beforeAll(() => {
    run('pnpm', ['build'], root);
    for (const name of ['domain', 'holidays', 'api']) {
      run('pnpm', ['pack', '--pack-destination', dir], join(root, 'packages', name));
    }
    const tarballs = readdirSync(dir).filter((file) => file.endsWith('.tgz'));
    expect(tarballs.sort()).toEqual([
      'tickets-api-0.1.0.tgz',
      'tickets-domain-0.1.0.tgz',
      'tickets-holidays-0.1.0.tgz',
    ]);
    run('mkdir', ['-p', project], dir);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'a-frontend',
        private: true,
        type: 'module',
        dependencies: {
          '@tickets/api': `file:../${'tickets-api-0.1.0.tgz'}`,
          '@tickets/domain': `file:../${'tickets-domain-0.1.0.tgz'}`,
          '@tickets/holidays': `file:../${'tickets-holidays-0.1.0.tgz'}`,
          '@trpc/client': '11.25.2',
          typescript: '5.9.3',
        },
      }),
    );
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], project);
  }, 240_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('type-checks a browser tRPC client against the router, refusing wrong inputs and unknown answers', () => {
    writeFileSync(join(project, 'client.ts'), CLIENT);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(BROWSER_TSCONFIG));
    // Throws, with the compiler's output, on any error, an unused @ts-expect-error included.
    run(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project);
  }, 60_000);

  it("runs the domain README's example with plain node", () => {
    copyFileSync(join(root, 'packages/domain/examples/custom-store.ts'), join(project, 'custom-store.ts'));
    writeFileSync(join(project, 'tsconfig.example.json'), JSON.stringify(EXAMPLE_TSCONFIG));
    run(
      process.execPath,
      [join(project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.example.json'],
      project,
    );
    expect(run(process.execPath, ['out/custom-store.js'], project).trim()).toBe(
      'ticket 1 due 2026-03-03 10:00',
    );
  }, 60_000);

  it("runs a country's calendar and the HTTP app with plain node", () => {
    const script = `
      import { createCountryCalendar } from '@tickets/holidays';
      import { createHttpApp } from '@tickets/api';
      import { createCapacityRule, createSubjectCatalogue, createTicketDesk, defaultSubjects } from '@tickets/domain';
      const calendar = createCountryCalendar('CO').match((c) => c, (e) => { throw new Error(e.type); });
      console.log(calendar.format(calendar.addBusinessDays(Date.parse('2026-03-18T15:00:00Z'), 3)));
      const subjects = createSubjectCatalogue(defaultSubjects).match((s) => s, (e) => { throw new Error(e.type); });
      const store = { getZone: async () => undefined };
      const desk = createTicketDesk({ store, clock: { now: () => 0 }, calendar, subjects, capacity: createCapacityRule({ maxActiveTicketsPerZone: 3, activeStatuses: [1] }), resolutionDays: 3 });
      const answer = await createHttpApp({ desk }).request('/api/v1/zones/1/capacity');
      console.log(answer.status, (await answer.json()).action);
    `;
    writeFileSync(join(project, 'run.mjs'), script);
    expect(run(process.execPath, ['run.mjs'], project).trim().split('\n')).toEqual([
      // Monday 2026-03-23 is a holiday in Colombia.
      '2026-03-24 10:00',
      '404 zone_not_found',
    ]);
  }, 60_000);
});
