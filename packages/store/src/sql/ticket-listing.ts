import {
  type NamedTicket,
  priorities,
  type SortTerm,
  sortTerms,
  type TicketFilter,
  type TicketMatch,
  type TicketSearch,
  type TicketStatus,
  type TicketStore,
  type TicketTally,
  ticketStatuses,
} from '@tickets/domain';
import { type Expression, type RawBuilder, type Selectable, type SqlBool, sql } from 'kysely';
import type { SqlDatabase } from './database.js';
import { type PreparedQuery, prepareQuery } from './prepared-query.js';
import { toTicket } from './rows.js';
import type { TicketsTable } from './schema.js';
import { all, rowsOf, type Step, type StepRunner } from './step.js';

const TRUE = sql<SqlBool>`1 = 1`;
const FALSE = sql<SqlBool>`1 = 0`;

const oneOf = (column: string, values: readonly number[]): RawBuilder<SqlBool> =>
  values.length === 0 ? FALSE : sql<SqlBool>`${sql.ref(column)} in (${sql.join(values)})`;

/** `text` as a LIKE pattern matches it literally, with `!` as the escape character. */
const literally = (text: string) => text.replace(/[!%_]/g, (c) => `!${c}`);

/**
 * A search: the ticket's id, or its service among those whose id starts with the number or whose
 * customer's searchable name (services.customer_search) holds the text. The services are few
 * beside the tickets: scanning their names is cheap, and tickets_service_id finds their tickets.
 */
function searchCondition({ name, number }: TicketSearch): RawBuilder<SqlBool> {
  const services: RawBuilder<SqlBool>[] = [];
  const either: RawBuilder<SqlBool>[] = [];
  if (number !== undefined) {
    const id = Number(number);
    if (Number.isSafeInteger(id)) either.push(sql<SqlBool>`t.id = ${id}`);
    services.push(sql<SqlBool>`cast(id as text) like ${`${number}%`}`);
  }
  if (name !== '') services.push(sql<SqlBool>`customer_search like ${`%${literally(name)}%`} escape '!'`);
  if (services.length > 0) {
    either.push(
      sql<SqlBool>`t.service_id in (select id from services where ${sql.join(services, sql` or `)})`,
    );
  }
  return either.length === 0 ? FALSE : sql<SqlBool>`(${sql.join(either, sql` or `)})`;
}

/** What a match asks of `tickets as t`, as one condition. */
function matchCondition(match: TicketMatch): Expression<SqlBool> {
  const all: RawBuilder<SqlBool>[] = [];
  if (match.zone_id !== undefined) all.push(sql<SqlBool>`t.zone_id = ${match.zone_id}`);
  if (match.status !== undefined) all.push(sql<SqlBool>`t.status = ${match.status}`);
  if (match.statuses !== undefined) all.push(oneOf('t.status', match.statuses));
  if (match.technician_id !== undefined) all.push(sql<SqlBool>`t.technician_id = ${match.technician_id}`);
  // As the statuses left (an IN list), which the status indexes serve; NOT IN would scan.
  const excluded = match.excluded_statuses;
  if (excluded !== undefined) all.push(oneOf('t.status', openStatuses(excluded)));
  if (match.end_from !== undefined) all.push(sql<SqlBool>`t.end_date >= ${match.end_from}`);
  if (match.end_before !== undefined) all.push(sql<SqlBool>`t.end_date < ${match.end_before}`);
  if (match.search !== undefined) all.push(searchCondition(match.search));
  return all.length === 0 ? TRUE : sql<SqlBool>`${sql.join(all, sql` and `)}`;
}

const openStatuses = (done: readonly TicketStatus[]) => ticketStatuses.filter((s) => !done.includes(s));

/** The SQL value of a sort field. */
function fieldOf({ field }: SortTerm, done: readonly TicketStatus[]): RawBuilder<number> {
  switch (field) {
    case 'done':
      return done.length === 0
        ? sql<number>`0`
        : sql<number>`case when t.status in (${sql.join(done)}) then 1 else 0 end`;
    case 'end_date':
      return sql<number>`t.end_date`;
    case 'priority':
      return sql<number>`t.priority`;
    case 'ticket_id':
      return sql<number>`t.id`;
  }
}

/** Rows after `key` in the order of `terms`: (a > x) or (a = x and (b > y or …)), each way round as its term says. */
function after(terms: readonly SortTerm[], done: readonly TicketStatus[], key: readonly number[]) {
  const alternatives = terms.map((term, i) => {
    const equal = terms.slice(0, i).map((t, j) => sql<SqlBool>`${fieldOf(t, done)} = ${key[j]}`);
    const beyond = sql<SqlBool>`${fieldOf(term, done)} ${sql.raw(term.descending ? '<' : '>')} ${key[i]}`;
    return sql<SqlBool>`(${sql.join([...equal, beyond], sql` and `)})`;
  });
  return sql<SqlBool>`(${sql.join(alternatives, sql` or `)})`;
}

/**
 * The values a sort's leading field takes, in the sort's order, each with the condition that
 * selects its tickets; none for a field of many values (end_date, id).
 */
function segmentsOf(lead: SortTerm, done: readonly TicketStatus[]) {
  switch (lead.field) {
    case 'done':
      return [
        { value: 0, condition: oneOf('t.status', openStatuses(done)) },
        { value: 1, condition: oneOf('t.status', done) },
      ];
    case 'priority':
      return [...priorities]
        .sort((a, b) => (lead.descending ? b - a : a - b))
        .map((value) => ({ value, condition: sql<SqlBool>`t.priority = ${value}` }));
    default:
      return [];
  }
}

const named = (rows: readonly ListedRow[]): NamedTicket[] =>
  rows.map((row) => ({
    ...toTicket(row),
    customer_name: row.customer_name,
    technician_name: row.technician_name,
  }));

type ListedRow = Selectable<TicketsTable> & { customer_name: string | null; technician_name: string | null };

/** The ticket listings and tallies of the SQL store: plain queries built per call, read outside any transaction. */
export function createSqlTicketListing({
  database,
  runner,
  read = (step) => runner.read(step),
}: {
  readonly database: SqlDatabase;
  readonly runner: StepRunner;
  /** How a listing's page is read: the store may answer an unchanged database from memory. */
  readonly read?: <T>(step: () => Step<T>) => Promise<T>;
}): Pick<TicketStore, 'listTickets' | 'tallyOpenTickets'> {
  const db = database.kysely;
  // Newest first by zone, status or statuses only (a full zone's refusal lists its active tickets
  // so): compiled once per shape of filter, since building and compiling with Kysely costs more
  // than the read itself when the outage storm is answered from readRecent.
  const plain = new Map<string, PreparedQuery<TicketFilter, ListedRow>>();
  const plainList = (filter: TicketFilter): PreparedQuery<TicketFilter, ListedRow> | undefined => {
    const { zone_id, status, statuses, after, sort, technician_id, excluded_statuses, end_from, end_before } =
      filter;
    const other = [sort, technician_id, excluded_statuses, end_from, end_before, filter.search];
    if (other.some((value) => value !== undefined)) return undefined;
    const shape = `${zone_id !== undefined}:${status !== undefined}:${after !== undefined}:${statuses ?? '-'}`;
    let query = plain.get(shape);
    if (query === undefined) {
      query = prepareQuery(db, (db, v: TicketFilter) => {
        let list = db
          .selectFrom('tickets as t')
          .selectAll('t')
          .select([
            sql<string | null>`(select customer_name from services where id = t.service_id)`.as(
              'customer_name',
            ),
            sql<string | null>`(select name from technicians where id = t.technician_id)`.as(
              'technician_name',
            ),
          ])
          .orderBy('t.id', 'desc')
          .limit(v.limit);
        if (zone_id !== undefined) list = list.where('t.zone_id', '=', v.zone_id as number);
        if (status !== undefined) list = list.where('t.status', '=', v.status as number);
        if (statuses !== undefined) list = list.where('t.status', 'in', [...statuses]);
        if (after !== undefined) list = list.where('t.id', '<', v.after as number);
        return list;
      });
      plain.set(shape, query);
    }
    return query;
  };
  return {
    async listTickets(filter) {
      const { limit, sort } = filter;
      if (filter.statuses?.length === 0) return [];
      const prepared = plainList(filter);
      if (prepared !== undefined) return named(await read(() => all(prepared, filter)));
      let query = db
        .selectFrom('tickets as t')
        .selectAll('t')
        // Looked up for the page's rows only: a join may lead a planner to read every service first.
        .select([
          sql<string | null>`(select customer_name from services where id = t.service_id)`.as(
            'customer_name',
          ),
          sql<string | null>`(select name from technicians where id = t.technician_id)`.as('technician_name'),
        ])
        .where(matchCondition(filter))
        .limit(limit);
      if (sort === undefined) {
        query = query.orderBy('t.id', 'desc');
        if (filter.after !== undefined) query = query.where('t.id', '<', filter.after);
        return named(await read(() => rowsOf<ListedRow>(query)));
      }
      const inOrder = (terms: readonly SortTerm[]) =>
        terms.reduce(
          (ordered, term) => ordered.orderBy(fieldOf(term, sort.done), term.descending ? 'desc' : 'asc'),
          query,
        );
      // A sort led by a field of few values (done, priority) is read one value at a time, each
      // part in end_date order (tickets_end_date), instead of sorting every ticket for one page.
      const [lead, ...rest] = sortTerms[sort.by];
      const segments = lead === undefined ? [] : segmentsOf(lead, sort.done);
      if (lead === undefined || segments.length === 0) {
        const terms = sortTerms[sort.by];
        const page =
          sort.after === undefined
            ? inOrder(terms)
            : inOrder(terms).where(after(terms, sort.done, sort.after));
        return named(await read(() => rowsOf<ListedRow>(page)));
      }
      query = inOrder(rest);
      const found: NamedTicket[] = [];
      const start = sort.after?.[0];
      for (const { value, condition } of segments) {
        if (start !== undefined && (lead.descending ? value > start : value < start)) continue;
        let part = query.where(condition).limit(limit - found.length);
        if (sort.after !== undefined && value === start)
          part = part.where(after(rest, sort.done, sort.after.slice(1)));
        found.push(...named(await read(() => rowsOf<ListedRow>(part))));
        if (found.length >= limit) break;
      }
      return found;
    },

    async tallyOpenTickets(match, { done, bounds, groupBy }) {
      const due = sql<string>`case when t.end_date < ${bounds.now} then 'overdue'
        when t.end_date < ${bounds.endOfToday} then 'today' else 'later' end`;
      const group = groupBy === undefined ? sql<null>`null` : sql.ref(`t.${groupBy}`);
      const query = db
        .selectFrom('tickets as t')
        .select([
          group.as('grp'),
          't.status as status',
          due.as('due'),
          sql<number>`cast(count(*) as integer)`.as('tickets'),
        ])
        .where(matchCondition({ ...match, excluded_statuses: done }))
        // The constant group (null) needs no grouping; PostgreSQL would refuse to group by it.
        .groupBy(groupBy === undefined ? [sql`2`, sql`3`] : [sql`1`, sql`2`, sql`3`]);
      const rows = await runner.read(() =>
        rowsOf<{ grp: number | null; status: number; due: string; tickets: number }>(query),
      );
      return rows.map(
        (row): TicketTally => ({
          group: row.grp,
          status: row.status as TicketStatus,
          due: row.due as TicketTally['due'],
          tickets: row.tickets,
        }),
      );
    },
  };
}
