/** Text as searches compare it: accents and case dropped, runs of spaces made one ("Muñoz" → "munoz"). */
export function searchableText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** One search for a ticket: by its number, its service's number or its customer's name. */
export interface TicketSearch {
  /** A substring of the customer's name, as searchableText makes both. */
  readonly name: string;
  /** When the search is a number (a leading `#` allowed): the ticket id, or a service id or its first digits. */
  readonly number: string | undefined;
}

const NUMBER = /^#?\s*(\d{1,16})$/;

/** The search a dispatcher's text stands for. */
export function ticketSearch(text: string): TicketSearch {
  const trimmed = text.trim();
  return { name: searchableText(trimmed), number: NUMBER.exec(trimmed)?.[1] };
}

/** Whether a ticket (its id, its service's id, its customer's name) matches a search. */
export function matchesSearch(
  search: TicketSearch,
  ticket: { readonly ticket_id: number; readonly service_id: number },
  customerName: string | null,
): boolean {
  const { number } = search;
  if (number !== undefined) {
    if (ticket.ticket_id === Number(number) || String(ticket.service_id).startsWith(number)) return true;
  }
  return search.name !== '' && customerName !== null && searchableText(customerName).includes(search.name);
}
