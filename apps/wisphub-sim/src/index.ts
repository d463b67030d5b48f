export { NO_TECHNICIAN_EVERY, NO_ZONE_EVERY, seedClients } from './seed.js';
export type { SimControls } from './sim-controls.js';
export { parseStatus, statusLabel } from './ticket-status.js';
export type { TicketView } from './ticket-view.js';
export type {
  Client,
  ClientPatch,
  DropFault,
  Fault,
  FaultMatch,
  FieldErrors,
  HangFault,
  NewClient,
  OpenTicketInput,
  Priority,
  RequestLogEntry,
  SlowFault,
  StatusCode,
  StatusFault,
  StatusFormat,
  StatusLabel,
  StoredTicket,
  Technician,
  Zone,
} from './types.js';
export {
  createWispHubSimulator,
  DEFAULT_API_KEY,
  type WispHubSimulator,
  type WispHubSimulatorOptions,
} from './wisphub-simulator.js';
