import type { z } from 'zod';
import type { Envelope, ErrorMeta, FieldError } from '../../envelope.js';
import type {
  affectedAddedViewSchema,
  affectedPageViewSchema,
  NamedTicketView,
  queuedViewSchema,
  queuePageViewSchema,
  servicePageViewSchema,
  statusesViewSchema,
  subjectsViewSchema,
  syncReportViewSchema,
  TicketView,
  technicianPageViewSchema,
  technicianWorkloadPageViewSchema,
  ticketCountsViewSchema,
  ticketHistoryViewSchema,
  ticketPageViewSchema,
  zoneCapacityPageViewSchema,
  zoneCapacityViewSchema,
  zonePageViewSchema,
} from '../../views.js';

/** An answer, as the behaviour suite sees it over either transport. */
export interface Answer<D = unknown> {
  /**
   * The HTTP statuses it stands for: over REST, the one it came with; over tRPC (where an envelope
   * is a result), each status for which the REST route declares an envelope that matches it.
   */
  readonly statuses: readonly number[];
  readonly body: Envelope & { readonly data: D; readonly meta: ErrorMeta | null };
}

/**
 * Input refused before any use case ran, naming each field: REST's 400 envelope, tRPC's
 * BAD_REQUEST error. A transport's call rejects with it.
 */
export class InputRefused extends Error {
  override readonly name = 'InputRefused';
  constructor(
    message: string,
    readonly errors: readonly FieldError[],
  ) {
    super(message);
  }
}

/** An id or a query value as a caller sends it: a number, or text that may not be one. */
export type Value = number | string;
/** Query parameters, or a page request: `{ limit, cursor }`. */
export type Query = Readonly<Record<string, Value>>;
/** A request body, sent as JSON. */
export type Body = Readonly<Record<string, unknown>>;

type Out<S extends z.ZodType> = z.output<S>;

/** Each operation of the API, called over one transport. */
export interface Transport {
  subjects(): Promise<Answer<Out<typeof subjectsViewSchema>>>;
  statuses(): Promise<Answer<Out<typeof statusesViewSchema>>>;
  /** Takes any value: the transport sends it as the create's input, malformed or not. */
  createTicket(input: unknown): Promise<Answer<TicketView>>;
  getTicket(ticketId: Value): Promise<Answer<NamedTicketView>>;
  ticketHistory(ticketId: Value, page?: Query): Promise<Answer<Out<typeof ticketHistoryViewSchema>>>;
  listTickets(query?: Query): Promise<Answer<Out<typeof ticketPageViewSchema>>>;
  ticketCounts(query?: Query): Promise<Answer<Out<typeof ticketCountsViewSchema>>>;
  technicianWorkload(page?: Query): Promise<Answer<Out<typeof technicianWorkloadPageViewSchema>>>;
  /** A change, made against `expectedVersion` when given (REST's If-Match, tRPC's expected_version). */
  updateTicket(ticketId: Value, change: Body, expectedVersion?: number): Promise<Answer<TicketView>>;
  retryDelivery(ticketId: Value): Promise<Answer<TicketView>>;
  syncStatus(): Promise<Answer<Out<typeof syncReportViewSchema>>>;
  zoneCapacity(zoneId: Value): Promise<Answer<Out<typeof zoneCapacityViewSchema>>>;
  zoneCapacities(page?: Query): Promise<Answer<Out<typeof zoneCapacityPageViewSchema>>>;
  saveZone(zoneId: Value, zone: Body): Promise<Answer>;
  listZones(page?: Query): Promise<Answer<Out<typeof zonePageViewSchema>>>;
  saveTechnician(technicianId: Value, technician: Body): Promise<Answer>;
  listTechnicians(page?: Query): Promise<Answer<Out<typeof technicianPageViewSchema>>>;
  saveService(serviceId: Value, service: Body): Promise<Answer>;
  listServices(page?: Query): Promise<Answer<Out<typeof servicePageViewSchema>>>;
  addAffected(ticketId: Value, customer: Body): Promise<Answer<Out<typeof affectedAddedViewSchema>>>;
  listAffected(ticketId: Value, page?: Query): Promise<Answer<Out<typeof affectedPageViewSchema>>>;
  getQueued(queueId: Value): Promise<Answer<Out<typeof queuedViewSchema>>>;
  withdrawQueued(queueId: Value): Promise<Answer<Out<typeof queuedViewSchema>>>;
  listQueue(zoneId: Value, page?: Query): Promise<Answer<Out<typeof queuePageViewSchema>>>;
}
