import type {
  BusinessCalendar,
  Priority,
  TicketStatus,
  WispHubClient,
  WispHubTechnician,
  WispHubTicket,
  WispHubZone,
} from '@tickets/domain';
import { z } from 'zod';

// WispHub's records as its API answers them (Django REST framework), read leniently: ids may come
// as numbers or digit strings, a status as its code or its label, and what is missing is null.

const idSchema = z.union([
  z.int().positive(),
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
]);

const namedSchema = z.object({ id: idSchema, nombre: z.string().nullish() });

/** A DRF page: `next` is the next page's address, null on the last. */
export const pageSchema = z.object({
  count: z.int().nonnegative().nullish(),
  next: z.string().nullish(),
  results: z.array(z.unknown()),
});

const clientSchema = z.object({
  id_servicio: idSchema,
  nombre: z.string().nullish(),
  zona: namedSchema.nullish(),
  tecnico: namedSchema.nullish(),
});

const ticketSchema = z.object({
  id_ticket: idSchema,
  estado: z.union([z.number(), z.string()]),
  descripcion: z.string().nullish(),
  asunto: z.string().nullish(),
  prioridad: z.union([z.number(), z.string()]).nullish(),
  servicio: z
    .union([
      idSchema,
      z.object({ id_servicio: idSchema, nombre: z.string().nullish(), zona: namedSchema.nullish() }),
    ])
    .nullish(),
  tecnico: z.union([idSchema, namedSchema]).nullish(),
  fecha_inicio: z.string().nullish(),
  fecha_final: z.string().nullish(),
});

/** The id of a ticket WispHub answers a create with. */
export const createdSchema = z.object({ id_ticket: idSchema });

const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .trim()
    .toLowerCase();

const STATUS_LABELS: Readonly<Record<string, TicketStatus>> = {
  nuevo: 1,
  abierto: 1,
  'en progreso': 2,
  resuelto: 3,
  cerrado: 4,
};

/** A WispHub status, given as its code or its label (Nuevo/Abierto, En Progreso, Resuelto, Cerrado). */
export function statusOf(estado: number | string): TicketStatus | undefined {
  const code = typeof estado === 'number' ? estado : /^\s*\d+\s*$/.test(estado) ? Number(estado) : undefined;
  if (code !== undefined) return code >= 1 && code <= 4 ? (code as TicketStatus) : undefined;
  return STATUS_LABELS[fold(estado as string)];
}

function priorityOf(prioridad: number | string | null | undefined): Priority | null {
  const code = typeof prioridad === 'string' ? Number(prioridad.trim()) : prioridad;
  return typeof code === 'number' && Number.isInteger(code) && code >= 1 && code <= 4
    ? (code as Priority)
    : null;
}

const zoneOf = (zona: z.output<typeof namedSchema> | null | undefined): WispHubZone | null =>
  zona == null ? null : { zone_id: zona.id, name: zona.nombre?.trim() || `Zona ${zona.id}` };

const technicianOf = (
  tecnico: z.output<typeof namedSchema> | number | null | undefined,
): WispHubTechnician | null => {
  if (tecnico == null) return null;
  if (typeof tecnico === 'number') return { technician_id: tecnico, name: `Técnico ${tecnico}` };
  return { technician_id: tecnico.id, name: tecnico.nombre?.trim() || `Técnico ${tecnico.id}` };
};

/** `DD/MM/YYYY HH:MM`, WispHub's date format, of an instant in the calendar's time zone. */
export function wisphubDate(calendar: BusinessCalendar, epochMs: number): string {
  const [date = '', time = ''] = calendar.format(epochMs).split(' ');
  const [year, month, day] = date.split('-');
  return `${day}/${month}/${year} ${time}`;
}

/** The instant of a WispHub date (`DD/MM/YYYY HH:MM`) in the calendar's time zone; null when unreadable. */
export function instantOfWispHubDate(
  calendar: BusinessCalendar,
  text: string | null | undefined,
): number | null {
  const match = text == null ? null : /^\s*(\d{2})\/(\d{2})\/(\d{4})\s+(\d{2}):(\d{2})/.exec(text);
  if (match === null) return null;
  return calendar.instantOf(`${match[3]}-${match[2]}-${match[1]} ${match[4]}:${match[5]}`) ?? null;
}

/** A client as this service reads it; undefined when WispHub's record cannot be read. */
export function readClient(record: unknown): WispHubClient | undefined {
  const parsed = clientSchema.safeParse(record);
  if (!parsed.success) return undefined;
  const c = parsed.data;
  return {
    service_id: c.id_servicio,
    customer_name: c.nombre?.trim() || null,
    zone: zoneOf(c.zona),
    technician: technicianOf(c.tecnico),
  };
}

/** A ticket as this service reads it; undefined when WispHub's record cannot be read. */
export function readTicket(calendar: BusinessCalendar, record: unknown): WispHubTicket | undefined {
  const parsed = ticketSchema.safeParse(record);
  if (!parsed.success) return undefined;
  const t = parsed.data;
  const status = statusOf(t.estado);
  if (status === undefined) return undefined;
  const servicio = t.servicio;
  return {
    wisphub_ticket_id: t.id_ticket,
    status,
    description: t.descripcion ?? '',
    subject: t.asunto?.trim() || null,
    priority: priorityOf(t.prioridad),
    service:
      servicio == null
        ? null
        : typeof servicio === 'number'
          ? { service_id: servicio, customer_name: null, zone: null }
          : {
              service_id: servicio.id_servicio,
              customer_name: servicio.nombre?.trim() || null,
              zone: zoneOf(servicio.zona),
            },
    technician: technicianOf(t.tecnico),
    created_at: instantOfWispHubDate(calendar, t.fecha_inicio),
    end_date: instantOfWispHubDate(calendar, t.fecha_final),
  };
}
