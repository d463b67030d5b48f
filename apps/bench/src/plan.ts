// What a run measures, and in which order: one server per row in a full run, one server for
// nearly everything in a --smoke run.

import type { BodyKind } from './protocol.js';
import type { RowId } from './rows.js';
import type { ServerSpec } from './sessions.js';

export type Step =
  | {
      readonly kind: 'row';
      readonly id: RowId;
      readonly load: BodyKind;
      readonly acceptGzip?: boolean;
    }
  | { readonly kind: 'rss' }
  | { readonly kind: 'growth' }
  | { readonly kind: 'small-answer' };

/** One server process and what is measured on it, or a measurement that needs no server of ours. */
export type Group =
  | { readonly server: ServerSpec; readonly steps: readonly Step[] }
  | { readonly server?: undefined; readonly standalone: 'pgbench' | 'startup' };

/** The steps of a run, in the order they run. */
export function plan(smoke: boolean, postgres: boolean, pgbench: boolean): Group[] {
  const tickets = (
    store: 'memory' | 'sqlite' | 'postgres',
    webConcurrency = 1,
    wisphub = false,
  ): ServerSpec => ({ kind: 'tickets', store, webConcurrency, wisphub });
  const row = (id: RowId, load: BodyKind, acceptGzip = false): Step => ({
    kind: 'row',
    id,
    load,
    acceptGzip,
  });
  const small: Step[] = [
    { kind: 'small-answer' },
    row('small-plain', 'small-answer'),
    row('small-gzip', 'small-answer', true),
  ];
  const echo: Group[] = [
    { server: { kind: 'echo-http' }, steps: [row('echo-http', 'echo')] },
    { server: { kind: 'echo-hono' }, steps: [row('echo-hono', 'echo')] },
    { server: { kind: 'echo-trpc' }, steps: [row('echo-trpc', 'trpc-create')] },
  ];
  if (smoke) {
    // One ticket server for nearly every path: growth first, while the store is nearly empty.
    return [
      ...echo,
      {
        server: tickets('sqlite'),
        steps: [
          { kind: 'growth' },
          row('rest-sqlite', 'rest-create'),
          row('refusal-sqlite', 'rest-refused'),
          row('trpc-sqlite', 'trpc-create'),
          row('trpc-batch-sqlite', 'trpc-batch'),
          ...small,
          { kind: 'rss' },
        ],
      },
      { server: tickets('sqlite', 1, true), steps: [row('rest-sqlite-wisphub', 'rest-create')] },
      { standalone: 'startup' },
    ];
  }
  // Otherwise every row has a server, and a store, of its own.
  const groups: Group[] = [
    ...echo,
    { server: tickets('memory'), steps: [row('rest-memory', 'rest-create')] },
    { server: tickets('sqlite'), steps: [row('rest-sqlite', 'rest-create')] },
    { server: tickets('sqlite'), steps: [row('refusal-sqlite', 'rest-refused')] },
  ];
  if (postgres) {
    groups.push(
      { server: tickets('postgres'), steps: [row('rest-postgres', 'rest-create')] },
      { server: tickets('postgres'), steps: [row('refusal-postgres', 'rest-refused')] },
    );
    if (pgbench) groups.push({ standalone: 'pgbench' });
  }
  groups.push(
    { server: tickets('sqlite'), steps: [row('trpc-sqlite', 'trpc-create')] },
    { server: tickets('sqlite'), steps: [row('trpc-batch-sqlite', 'trpc-batch')] },
    { server: tickets('sqlite', 1, true), steps: [row('rest-sqlite-wisphub', 'rest-create')] },
    { server: tickets('sqlite'), steps: small },
    { server: tickets('sqlite', 2), steps: [row('wc2-sqlite', 'rest-create')] },
    { server: tickets('sqlite', 2), steps: [row('wc2-refusal-sqlite', 'rest-refused')] },
    { server: tickets('sqlite'), steps: [{ kind: 'rss' }] },
    { server: tickets('sqlite'), steps: [{ kind: 'growth' }] },
    { standalone: 'startup' },
    // The baseline once more: how far the machine drifted while the rows ran.
    { server: { kind: 'echo-http' }, steps: [row('echo-http-end', 'echo')] },
  );
  return groups;
}
