import {
  type BusinessCalendar,
  type RemoteFailure,
  referencedTicketId,
  referenceOf,
  refused,
  type Ticket,
  type TicketStatus,
  unavailable,
  type WispHub,
  type WispHubClientPage,
  type WispHubTicket,
} from '@tickets/domain';
import { err, ok, type Result } from 'neverthrow';
import { type Answer, excerpt, httpCall, retryAfterMs } from './http-call.js';
import { createdSchema, pageSchema, readClient, readTicket, wisphubDate } from './wisphub-records.js';

export interface WispHubClientOptions {
  /** WISPHUB_URL, e.g. `https://api.wisphub.app`. */
  readonly url: string;
  /** WISPHUB_API_KEY, sent as `Authorization: Api-Key <key>`. */
  readonly apiKey: string;
  /** Dates go to WispHub in the calendar's time zone; WispHub's are read in it. */
  readonly calendar: BusinessCalendar;
  /** WISPHUB_NEW_STATUS: `estado` of new tickets. */
  readonly newStatus: TicketStatus;
  /** WISPHUB_DEPARTMENT: `departamento` of new tickets. */
  readonly department: string;
  /** How long one request may take, its answer included. */
  readonly timeoutMs: number;
}

// A runaway `next` chain (a page pointing back at itself, say) stops here.
const MAX_PAGES = 100_000;

/** What an answer other than the one hoped for means for a call. */
function answerFailure(answer: Answer): RemoteFailure {
  const { status } = answer;
  const body = excerpt(answer.text.trim());
  if (status === 429) {
    return unavailable(`WispHub is limiting requests (429)`, {
      retryAfterMs: retryAfterMs(answer.headers, Date.now()),
      mayHaveArrived: false,
    });
  }
  // Not processed: overloaded, in maintenance, or the request timed out before it was read.
  if (status === 503 || status === 408) {
    return unavailable(`WispHub is unavailable (${status})`, {
      retryAfterMs: retryAfterMs(answer.headers, Date.now()),
      mayHaveArrived: false,
    });
  }
  // A key problem is the deployment's, not the ticket's: waited out, never a refused ticket.
  if (status === 401 || status === 403) {
    return unavailable(`WispHub refused the API key (${status}): check WISPHUB_API_KEY`, {
      mayHaveArrived: false,
    });
  }
  if (status >= 400 && status < 500) return refused(status, body);
  // A 500, or a gateway's 502/504: the request may have been carried out before it failed.
  return unavailable(`WispHub answered ${status}${body === '' ? '' : `: ${body}`}`, { mayHaveArrived: true });
}

function json(answer: Answer): unknown {
  try {
    return JSON.parse(answer.text);
  } catch {
    return undefined;
  }
}

/**
 * WispHub's REST API over HTTP: `POST /api/tickets/` as multipart/form-data, and the paginated
 * `GET /api/tickets/` and `GET /api/clientes/` followed to their last page. Every failure is a
 * RemoteFailure that tells a refusal from an outage, and whether a create may have arrived.
 */
export function createWispHubClient(options: WispHubClientOptions): WispHub {
  const base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
  const headers = { Authorization: `Api-Key ${options.apiKey}`, Accept: 'application/json' };
  const { calendar, timeoutMs } = options;

  /** A path of the API, or a `next` link, on WispHub's own origin: the key goes nowhere else. */
  const address = (pathOrLink: string): string => {
    const target = new URL(pathOrLink, base);
    if (target.origin === base.origin) return target.toString();
    return new URL(`${target.pathname}${target.search}`, base).toString();
  };

  async function get(pathOrLink: string): Promise<Result<unknown, RemoteFailure>> {
    const answer = await httpCall(address(pathOrLink), { method: 'GET', headers }, timeoutMs);
    if (answer.isErr()) return err(answer.error);
    if (answer.value.status !== 200) return err(answerFailure(answer.value));
    const body = json(answer.value);
    return body === undefined
      ? err(
          unavailable(`WispHub answered 200 without JSON: ${excerpt(answer.value.text)}`, {
            mayHaveArrived: false,
          }),
        )
      : ok(body);
  }

  /** Every page of a listing, from `path`, following `next`. */
  async function* pages(
    path: string,
  ): AsyncGenerator<Result<{ results: unknown[]; count: number }, RemoteFailure>> {
    let link: string | null = path;
    const seen = new Set<string>();
    while (link !== null && seen.size < MAX_PAGES) {
      const where = address(link);
      if (seen.has(where)) return;
      seen.add(where);
      const body = await get(where);
      if (body.isErr()) {
        yield err(body.error);
        return;
      }
      const page = pageSchema.safeParse(body.value);
      if (!page.success) {
        yield err(
          unavailable(`WispHub answered a page this service cannot read (${where})`, {
            mayHaveArrived: false,
          }),
        );
        return;
      }
      yield ok({ results: page.data.results, count: page.data.count ?? page.data.results.length });
      link = page.data.next ?? null;
    }
  }

  async function allTickets(path: string): Promise<Result<WispHubTicket[], RemoteFailure>> {
    const tickets: WispHubTicket[] = [];
    for await (const page of pages(path)) {
      if (page.isErr()) return err(page.error);
      for (const record of page.value.results) {
        const ticket = readTicket(calendar, record);
        if (ticket !== undefined) tickets.push(ticket);
      }
    }
    return ok(tickets);
  }

  return {
    async createTicket(ticket: Ticket) {
      const form = new FormData();
      const fields: Record<string, string> = {
        servicio: String(ticket.service_id),
        asunto: ticket.subject,
        asuntos_default: ticket.subject,
        descripcion: `${ticket.description}\n\n${referenceOf(ticket.ticket_id)}`,
        estado: String(options.newStatus),
        prioridad: String(ticket.priority),
        fecha_inicio: wisphubDate(calendar, ticket.created_at),
        fecha_final: wisphubDate(calendar, ticket.end_date),
        departamento: options.department,
        departamentos_default: options.department,
      };
      if (ticket.technician_id !== null) fields.tecnico = String(ticket.technician_id);
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      const answer = await httpCall(
        address('api/tickets/'),
        { method: 'POST', headers, body: form },
        timeoutMs,
      );
      if (answer.isErr()) return err(answer.error);
      if (answer.value.status !== 201 && answer.value.status !== 200) return err(answerFailure(answer.value));
      const created = createdSchema.safeParse(json(answer.value));
      // Created, but its id unreadable: the next attempt finds it by its reference.
      if (!created.success) {
        return err(
          unavailable(
            `WispHub answered ${answer.value.status} without id_ticket: ${excerpt(answer.value.text)}`,
            {
              mayHaveArrived: true,
            },
          ),
        );
      }
      return ok(created.data.id_ticket);
    },

    async findTicket(ticket: Ticket) {
      const tickets = await allTickets(`api/tickets/?servicio=${ticket.service_id}`);
      if (tickets.isErr()) return err(tickets.error);
      const ours = tickets.value
        .filter((candidate) => referencedTicketId(candidate.description) === ticket.ticket_id)
        .map((candidate) => candidate.wisphub_ticket_id);
      return ok(ours.length === 0 ? null : Math.min(...ours));
    },

    async listTickets(statuses) {
      const found = new Map<number, WispHubTicket>();
      for (const status of statuses) {
        const tickets = await allTickets(`api/tickets/?estado=${status}`);
        if (tickets.isErr()) return err(tickets.error);
        for (const ticket of tickets.value) found.set(ticket.wisphub_ticket_id, ticket);
      }
      return ok([...found.values()]);
    },

    async getTicket(wisphubTicketId) {
      const answer = await httpCall(
        address(`api/tickets/${wisphubTicketId}/`),
        { method: 'GET', headers },
        timeoutMs,
      );
      if (answer.isErr()) return err(answer.error);
      if (answer.value.status === 404) return ok(null);
      if (answer.value.status !== 200) return err(answerFailure(answer.value));
      const ticket = readTicket(calendar, json(answer.value));
      return ticket === undefined
        ? err(
            unavailable(`WispHub answered ticket ${wisphubTicketId} in a form this service cannot read`, {
              mayHaveArrived: false,
            }),
          )
        : ok(ticket);
    },

    async *clientPages(): AsyncGenerator<Result<WispHubClientPage, RemoteFailure>> {
      for await (const page of pages('api/clientes/')) {
        if (page.isErr()) {
          yield err(page.error);
          return;
        }
        const clients = page.value.results.map(readClient);
        const read = clients.filter((client) => client !== undefined);
        yield ok({ clients: read, count: page.value.count, skipped: clients.length - read.length });
      }
    },
  };
}
