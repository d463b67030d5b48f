import { createMemoryTicketStore } from './memory-ticket-store.js';
import { describeTicketStoreContract } from './store-contract.js';

describeTicketStoreContract('memory', async () => ({
  store: createMemoryTicketStore(),
  close: async () => undefined,
}));
