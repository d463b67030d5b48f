import { seedClients, seedTechnicians } from './seed.js';
import type {
  Client,
  ClientPatch,
  NewClient,
  StatusCode,
  StoredTicket,
  Technician,
  TicketDraft,
} from './types.js';

/** How the state is seeded. */
export interface SimStateSeed {
  readonly clients: number;
  readonly zones: number;
  readonly technicians: number;
  readonly firstTicketId: number;
}

/** The simulated WispHub account: its clients, technicians and tickets, in memory. */
export interface SimState {
  /** Every client, by id_servicio ascending. */
  clients(): readonly Client[];
  client(id: number): Client | undefined;
  /** Adds a client; throws if its id is taken. Its technician becomes a known technician. */
  addClient(client: NewClient): Client;
  /** Changes a client; throws if there is none with this id. A new technician becomes known. */
  updateClient(id: number, patch: ClientPatch): Client;
  /** A known technician: a seeded one or one referenced by an added or updated client. */
  technician(id: number): Technician | undefined;
  /** Stores a validated ticket under the next id. */
  createTicket(draft: TicketDraft, origin: StoredTicket['origin'], form: StoredTicket['form']): StoredTicket;
  ticket(id: number): StoredTicket | undefined;
  /** Every ticket, by id_ticket ascending. */
  tickets(): readonly StoredTicket[];
  /** Changes a ticket's status; throws if there is none with this id. */
  setTicketStatus(id: number, estado: StatusCode): StoredTicket;
  /** Deletes a ticket; false if there was none with this id. */
  deleteTicket(id: number): boolean;
}

/** A state seeded with deterministic clients (see `seedClients`) and technicians 1..T. */
export function createSimState(seed: SimStateSeed, now: () => Date): SimState {
  const clients = new Map(
    seedClients(seed.clients, seed.zones, seed.technicians).map((c) => [c.id_servicio, c]),
  );
  const technicians = new Map(seedTechnicians(seed.technicians).map((t) => [t.id, t]));
  const tickets = new Map<number, StoredTicket>();
  let nextTicketId = seed.firstTicketId;

  const learnTechnician = (client: Client) => {
    if (client.tecnico !== null) technicians.set(client.tecnico.id, client.tecnico);
  };
  const byId = <T>(items: Iterable<T>, id: (item: T) => number): T[] =>
    [...items].sort((a, b) => id(a) - id(b));

  return {
    clients: () => byId(clients.values(), (c) => c.id_servicio),
    client: (id) => clients.get(id),
    addClient(input) {
      if (clients.has(input.id_servicio))
        throw new Error(`addClient: client ${input.id_servicio} already exists`);
      const client: Client = { ...input, estado: input.estado ?? 'Activo' };
      clients.set(client.id_servicio, client);
      learnTechnician(client);
      return client;
    },
    updateClient(id, patch) {
      const current = clients.get(id);
      if (current === undefined) throw new Error(`updateClient: no client ${id}`);
      const client: Client = { ...current, ...patch, id_servicio: id };
      clients.set(id, client);
      learnTechnician(client);
      return client;
    },
    technician: (id) => technicians.get(id),
    createTicket(draft, origin, form) {
      const ticket: StoredTicket = {
        ...draft,
        id_ticket: nextTicketId++,
        fecha_creacion: now().toISOString(),
        origin,
        form,
      };
      tickets.set(ticket.id_ticket, ticket);
      return ticket;
    },
    ticket: (id) => tickets.get(id),
    tickets: () => byId(tickets.values(), (t) => t.id_ticket),
    setTicketStatus(id, estado) {
      const current = tickets.get(id);
      if (current === undefined) throw new Error(`setTicketStatus: no ticket ${id}`);
      const ticket = { ...current, estado };
      tickets.set(id, ticket);
      return ticket;
    },
    deleteTicket: (id) => tickets.delete(id),
  };
}
