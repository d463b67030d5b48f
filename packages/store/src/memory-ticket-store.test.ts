import { describeTicketListingContract } from './listing-contract.js';
import { createMemoryTicketStore } from './memory-ticket-store.js';
import { describeTicketStoreContract, type StoreFixture } from './store-contract.js';

const open = async (): Promise<StoreFixture> => ({
  store: createMemoryTicketStore(),
  close: async () => undefined,
});

describeTicketStoreContract('memory', open);
describeTicketListingContract('memory', open);
