import type { TicketFilter } from '@tickets/domain';
import type { Kysely, Selectable } from 'kysely';
import { type PreparedQuery, prepareQuery } from './prepared-query.js';
import type { TicketDatabase, TicketsTable } from './schema.js';

type ListQuery = PreparedQuery<TicketFilter, Selectable<TicketsTable>>;

/**
 * The statement listing the tickets a filter selects, newest first, compiled once per shape of
 * filter (which fields it sets, and its set of statuses, which comes from configuration).
 */
export function createListQueries(db: Kysely<TicketDatabase>): (filter: TicketFilter) => ListQuery {
  const compiled = new Map<string, ListQuery>();
  return (filter) => {
    const { zone_id, status, statuses, after } = filter;
    const shape = `${zone_id !== undefined}:${status !== undefined}:${after !== undefined}:${statuses ?? '-'}`;
    let query = compiled.get(shape);
    if (query === undefined) {
      query = prepareQuery(db, (db, v: TicketFilter) => {
        let list = db.selectFrom('tickets').selectAll().orderBy('id', 'desc').limit(v.limit);
        if (zone_id !== undefined) list = list.where('zone_id', '=', v.zone_id as number);
        if (status !== undefined) list = list.where('status', '=', v.status as number);
        if (statuses !== undefined) list = list.where('status', 'in', [...statuses]);
        if (after !== undefined) list = list.where('id', '<', v.after as number);
        return list;
      });
      compiled.set(shape, query);
    }
    return query;
  };
}
