import type { TicketStore } from '@tickets/domain';
import { createMemoryTicketStore } from '@tickets/store';
import { type TestDeskOptions as DeskOptions, createTestDesk as deskOver } from '@tickets/testing';

export { TEST_NOW } from '@tickets/testing';

export type TestDeskOptions = Omit<DeskOptions, 'store'> & { readonly store?: TicketStore };

/** `@tickets/testing`'s test desk, over a fresh memory store unless given a store. */
export const createTestDesk = ({ store = createMemoryTicketStore(), ...options }: TestDeskOptions = {}) =>
  deskOver({ store, ...options });
