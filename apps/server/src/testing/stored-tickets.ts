import { expect } from 'vitest';
import type { client } from './server-process.js';

/**
 * Checks that every ticket a create answered reads back the same from `api`: a ticket's page adds
 * its customer's and technician's names to what the create answered.
 */
export async function expectStored(
  api: ReturnType<typeof client>,
  created: readonly unknown[],
): Promise<void> {
  for (const ticket of created) {
    const found = await api.get(`/api/v1/tickets/${(ticket as { ticket_id: number }).ticket_id}`);
    expect(found.status).toBe(200);
    const { customer_name: _, technician_name: __, ...stored } = found.body.data as Record<string, unknown>;
    expect(stored).toEqual(ticket);
  }
}
