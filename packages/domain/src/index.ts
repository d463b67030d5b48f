export {
  type BusinessCalendar,
  type BusinessCalendarSettings,
  type CalendarSettingsError,
  createBusinessCalendar,
  type HolidaySource,
  noHolidays,
} from './calendar/business-calendar.js';
export { formatIsoDate, parseIsoDate } from './calendar/civil.js';
export { isKnownTimeZone } from './calendar/time-zone.js';
export {
  admitActiveTicket,
  type CapacityRule,
  type CapacitySettings,
  createCapacityRule,
} from './capacity.js';
export {
  type InvalidReferences,
  invalidReferences,
  type ReferenceProblem,
  type TicketError,
  type TicketNotFound,
  ticketNotFound,
  type UnknownSubject,
  unknownSubject,
  type ZoneFull,
  type ZoneNotFound,
  zoneFull,
  zoneNotFound,
} from './errors.js';
export {
  type Clock,
  type CreateContext,
  type PageRequest,
  StoreUnavailableError,
  type TicketFilter,
  type TicketRefs,
  type TicketStore,
  type UpdateContext,
} from './ports.js';
export {
  type CreateTicketInput,
  createTicketInputSchema,
  type ListTicketsQuery,
  listTicketsQuerySchema,
  type PageQuery,
  pageQuerySchema,
  positiveIntegerParamSchema,
  positiveIntegerSchema,
  type SaveServiceInput,
  type SaveTechnicianInput,
  type SaveZoneInput,
  saveServiceInputSchema,
  saveTechnicianInputSchema,
  saveZoneInputSchema,
  ticketStatusSchema,
  type UpdateTicketInput,
  updateTicketInputSchema,
} from './schemas.js';
export {
  createSubjectCatalogue,
  defaultSubjects,
  type SubjectCatalogue,
  type SubjectCatalogueError,
  type SubjectGroups,
  subjectGroupsSchema,
} from './subjects.js';
export {
  type NewTicket,
  type Priority,
  priorities,
  priorityLabels,
  type Service,
  statusLabels,
  type Technician,
  type Ticket,
  type TicketChange,
  type TicketStatus,
  ticketStatuses,
  type Zone,
} from './ticket.js';
export {
  type ChangeStatusError,
  checkReferences,
  createTicketDesk,
  type OpenTicketError,
  type Page,
  type TicketDesk,
  type TicketDeskDeps,
  type ZoneCapacity,
} from './ticket-desk.js';
