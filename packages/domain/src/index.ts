export {
  type AffectedCustomer,
  type AffectedResolution,
  affectedAddedEvent,
  type NewAffected,
  resolveAffected,
} from './affected.js';
export {
  type BusinessCalendar,
  type BusinessCalendarSettings,
  BusinessDaysError,
  type CalendarSettingsError,
  createBusinessCalendar,
  type HolidaySource,
  type InstantLike,
  MAX_BUSINESS_DAYS,
  noHolidays,
} from './calendar/business-calendar.js';
export { formatIsoDate, parseIsoDate } from './calendar/civil.js';
export { isKnownTimeZone } from './calendar/time-zone.js';
export {
  admitActiveTicket,
  type CapacityRule,
  type CapacitySettings,
  capacityOf,
  createCapacityRule,
  type ZoneCapacity,
} from './capacity.js';
export {
  announce,
  type Delivery,
  type DeliveryChannel,
  type DeliverySettings,
  type DeliveryStats,
  defaultRetryPolicy,
  noDeliveries,
  type OutboxMessage,
  type RemoteFailure,
  type RetryPolicy,
  refused,
  retryDelay,
  unavailable,
  withAnnouncements,
} from './delivery.js';
export {
  type AttemptReport,
  type BatchReport,
  createDeliveryWorker,
  type DeliveryWorker,
  type DeliveryWorkerDeps,
  type Webhooks,
} from './delivery-worker.js';
export { createDirectory, type Directory, type ImportReport } from './directory.js';
// Every error and every schema is part of the package's interface.
export * from './errors.js';
export { type Page, pageOf, pageRequest } from './paging.js';
export {
  type AffectedContext,
  type AffectedDecision,
  type AffectedOutcome,
  type Clock,
  type ConnectorStore,
  type CreateContext,
  type CreateDecision,
  type CreateOutcome,
  type CreateRequest,
  type DeliveryClaim,
  type DeliveryOutcome,
  type DirectoryUpdate,
  type IdempotencyClaim,
  type JobRun,
  type PageRequest,
  type PlannedInsert,
  StoreUnavailableError,
  type TallyRequest,
  type TicketFilter,
  type TicketMatch,
  type TicketOrder,
  type TicketRefs,
  type TicketStore,
  type UpdateContext,
  type UpdateDecision,
} from './ports.js';
// Every error and every schema is part of the package's interface.
export * from './schemas.js';
export { DEFAULT_DONE_STATUSES, type StatusMeaning, statusMeanings } from './statuses.js';
export {
  createSubjectCatalogue,
  defaultSubjects,
  type SubjectCatalogue,
  type SubjectCatalogueError,
  type SubjectGroups,
  subjectGroupsSchema,
} from './subjects.js';
export {
  type ActiveTicketSummary,
  type DeliveryState,
  INITIAL_STATUS,
  type NamedTicket,
  type NewTicket,
  type NewTicketEvent,
  type Priority,
  priorities,
  priorityLabels,
  type Service,
  statusLabels,
  type Technician,
  type Ticket,
  type TicketEvent,
  type TicketEventKind,
  type TicketSnapshot,
  type TicketSource,
  type TicketStatus,
  ticketStatuses,
  type Zone,
} from './ticket.js';
export {
  applyWispHubStatus,
  type Change,
  changeTicket,
  createdEvent,
  markDelivered,
  markDeliveryFailed,
  newTicket,
  type Opening,
  requeueDelivery,
  snapshotOf,
  type TicketChangeInput,
  WISPHUB_ACTOR,
} from './ticket-changes.js';
export { createTicketDesk, type TicketDesk, type TicketDeskDeps } from './ticket-desk.js';
export {
  compareSortKeys,
  readTicketCursor,
  type SortField,
  type SortTerm,
  sortKeyOf,
  sortTerms,
  type TicketSort,
  ticketCursor,
  ticketSorts,
} from './ticket-order.js';
export { createTicketQueries, type TicketQueries, type TicketQueriesDeps } from './ticket-queries.js';
export { matchesSearch, searchableText, type TicketSearch, ticketSearch } from './ticket-search.js';
export { matchesTicket, selectTickets, tallyTickets } from './ticket-selection.js';
export {
  type AddAffectedError,
  type ChangeOptions,
  type CreateTicketError,
  type CreateTicketOptions,
  changeDecision,
  checkReferences,
  createFingerprint,
  createTickets,
  type RetryDeliveryError,
  type Tickets,
  type TicketsDeps,
  technicianProblem,
  type UpdateTicketError,
  type UpdateTicketOptions,
} from './tickets.js';
export {
  countsByGroup,
  type Due,
  type DueBounds,
  type DueFilter,
  dueBounds,
  dueFilters,
  dueOf,
  dueRange,
  IN_PROGRESS_STATUS,
  inProgressByGroup,
  type TechnicianWorkload,
  type TicketCounts,
  type TicketTally,
} from './urgency.js';
export {
  type Admission,
  type AdmissionDeps,
  admitQueued,
  admittingRule,
  type NewQueuedRequest,
  type QueuedRequest,
  type QueuePlace,
  type QueueState,
  summaryOf,
  type ZoneRule,
} from './waiting-line.js';
export {
  referencedTicketId,
  referenceOf,
  type WispHub,
  type WispHubClient,
  type WispHubClientPage,
  type WispHubTechnician,
  type WispHubTicket,
  type WispHubZone,
} from './wisphub.js';
export {
  createWispHubSync,
  type JobResult,
  type JobTiming,
  type ReferencePull,
  readSyncReport,
  runJob,
  type StatusPull,
  type SyncReport,
  WISPHUB_JOBS,
  type WispHubSync,
  type WispHubSyncDeps,
} from './wisphub-sync.js';
export {
  createZoneCapacities,
  type OverdueSettings,
  overdueByZone,
  type ZoneCapacities,
} from './zone-capacities.js';
