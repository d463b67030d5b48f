import { z } from 'zod';
import { readTicketCursor, type TicketSort, ticketSorts } from './ticket-order.js';
import { dueFilters } from './urgency.js';

/** An error message that tells a missing value from a wrong one. */
const expected =
  (what: string) =>
  (issue: { readonly input?: unknown }): string =>
    issue.input === undefined ? 'is required' : `must be ${what}`;

/** Ids and counts: positive safe integers. */
export const positiveIntegerSchema = z
  .int({ error: expected('a positive integer') })
  .positive({ error: 'must be a positive integer' })
  .meta({ example: 1 });

// Query strings and paths carry numbers as text; JSON bodies must carry real numbers.
const numberFromText = (value: unknown): unknown =>
  typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;

/** A positive integer that may arrive as decimal text (path and query parameters). */
export const positiveIntegerParamSchema = z.preprocess(numberFromText, positiveIntegerSchema);

// NUL, and halves of surrogate pairs, are not text: PostgreSQL cannot store the first, and the
// second would come back changed.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const text = (max: number) =>
  z
    .string({ error: expected('a string') })
    .trim()
    .min(1, { error: 'must not be blank' })
    .max(max, { error: `must be at most ${max} characters` })
    .refine((value) => !value.includes('\u0000') && !LONE_SURROGATE.test(value), {
      error: 'must be text without NUL characters or broken Unicode',
    });

export const ticketStatusSchema = z
  .union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)], {
    error: expected('a status code: 1 Abierto, 2 En Progreso, 3 Resuelto, 4 Cerrado'),
  })
  .meta({ description: '1 Abierto, 2 En Progreso, 3 Resuelto, 4 Cerrado', example: 3 });

const ticketStatusParamSchema = z.preprocess(numberFromText, ticketStatusSchema);

/** Body of a ticket creation. Unknown keys (a `status` or `priority`, say) are dropped. */
export const createTicketInputSchema = z
  .object(
    {
      service_id: positiveIntegerSchema.meta({ description: "The customer's service" }),
      subject: text(200).meta({
        description: 'One of the catalogue subjects, matched exactly',
        example: 'Falla Masiva',
      }),
      description: text(10_000).meta({
        example: 'Cliente reporta intermitencia en el servicio de internet',
      }),
      technician_id: positiveIntegerSchema.meta({ description: 'The assigned technician' }),
      zone_id: positiveIntegerSchema.meta({ description: "The service's zone", example: 2 }),
      queue_if_full: z
        .boolean({ error: expected('true or false') })
        .optional()
        .meta({
          description:
            "When the zone is full, wait in the zone's line instead of being refused: admitted, first in first out, the moment a slot frees",
        }),
    },
    { error: expected('a JSON object') },
  )
  .meta({ id: 'CreateTicketInput' });
export type CreateTicketInput = z.output<typeof createTicketInputSchema>;

/** Body of a customer recorded as affected by an active ticket's fault. */
export const addAffectedInputSchema = z
  .object(
    {
      service_id: positiveIntegerSchema.meta({
        description: "The affected customer's service, in the ticket's zone",
      }),
      description: text(10_000).meta({ example: 'Sin internet desde las 8, igual que los vecinos' }),
    },
    { error: expected('a JSON object') },
  )
  .meta({ id: 'AddAffectedInput' });
export type AddAffectedInput = z.output<typeof addAffectedInputSchema>;

/** Whether a change names anything to change. */
const changesSomething = (change: {
  readonly status?: unknown;
  readonly technician_id?: unknown;
  readonly answer_text?: unknown;
}) => change.status !== undefined || change.technician_id !== undefined || change.answer_text !== undefined;

const NOTHING_TO_CHANGE = 'must name a status, a technician_id or an answer_text to change';

/** The fields of a change to a ticket, each optional (a change names at least one). */
export const updateTicketFields = {
  status: ticketStatusSchema.optional(),
  technician_id: positiveIntegerSchema.optional().meta({
    description: 'Reassigns the ticket to this technician, checked as a create checks it (known and active)',
  }),
  answer_text: text(10_000).nullable().optional().meta({
    description: 'The answer given to the customer; null removes the one the ticket has, absent keeps it',
    example: 'Se reemplazó el conector RJ45',
  }),
};

/** Refuses a change that names nothing to change, as a problem of the whole body. */
export const requireSomeChange = <S extends z.ZodType<Parameters<typeof changesSomething>[0]>>(schema: S) =>
  schema.refine(changesSomething, { error: NOTHING_TO_CHANGE });

/** Body of a change: a status, a technician, an answer to the customer, or several at once. */
export const updateTicketInputSchema = requireSomeChange(
  z.object(updateTicketFields, { error: expected('a JSON object') }),
).meta({ id: 'UpdateTicketInput' });
export type UpdateTicketInput = z.output<typeof updateTicketInputSchema>;

const PAGE_SIZE = 'must be an integer from 1 to 500';

const pageSizeSchema = z
  .int({ error: PAGE_SIZE })
  .min(1, { error: PAGE_SIZE })
  .max(500, { error: PAGE_SIZE });

const cursorSchema = z
  .string({ error: 'must be a cursor returned by an earlier page' })
  .regex(/^[1-9]\d{0,15}$/, { error: 'must be a cursor returned by an earlier page' });

/** Cursor pages: `cursor` is the `next_cursor` of the page before. Numbers as numbers (tRPC, JSON). */
const pageFields = {
  limit: pageSizeSchema.optional().meta({ description: 'Page size, 1 to 500 (default 50)' }),
  cursor: cursorSchema.optional(),
};

/** The same, with numbers that may arrive as decimal text (REST query strings). */
const pageQueryFields = {
  limit: z
    .preprocess(numberFromText, pageSizeSchema)
    .optional()
    .meta({ description: 'Page size, 1 to 500 (default 50)' }),
  cursor: cursorSchema.optional(),
};

const searchSchema = text(200).meta({
  description:
    "One search: a ticket number (exact), a service number (exact or its first digits) or part of a customer's name (case and accents ignored)",
  example: 'munoz',
});

const sortSchema = z.enum(ticketSorts, { error: expected(`one of ${ticketSorts.join(', ')}`) }).meta({
  description:
    'newest (default): newest first; urgent: open tickets before done ones, then by end_date (overdue first), then the highest priority; due: by end_date; priority: the highest first, then by end_date',
});

const dueSchema = z.enum(dueFilters, { error: expected(`one of ${dueFilters.join(', ')}`) }).meta({
  description:
    'overdue: open tickets past their end_date; today: open tickets due later today (in the business time zone)',
});

const ticketCursorSchema = z
  .string({ error: 'must be a cursor returned by an earlier page' })
  .meta({ description: 'The `next_cursor` of the page before, of the same sort' });

/** The filters of a ticket listing or count, ids parsed by `id` (numbers, or text in query strings). */
const ticketMatchFields = <I extends z.ZodType<number>, S extends z.ZodType<1 | 2 | 3 | 4>>(
  id: I,
  status: S,
) => ({
  zone_id: id.optional(),
  status: status.optional(),
  technician_id: id.optional(),
  q: searchSchema.optional(),
});

/** Refuses a cursor of another sort than the one asked for (or none that a page gave). */
const cursorOfItsSort = <S extends z.ZodType<{ readonly sort?: TicketSort; readonly cursor?: string }>>(
  schema: S,
) =>
  schema.superRefine((query, context) => {
    if (query.cursor === undefined) return;
    const read = readTicketCursor(query.sort ?? 'newest', query.cursor);
    if (read.isErr()) context.addIssue({ code: 'custom', path: ['cursor'], message: read.error });
  });

/** A ticket listing's filters, order and page, numbers as numbers (tRPC). */
export const listTicketsInputSchema = cursorOfItsSort(
  z.object({
    ...ticketMatchFields(positiveIntegerSchema, ticketStatusSchema),
    due: dueSchema.optional(),
    sort: sortSchema.optional(),
    limit: pageFields.limit,
    cursor: ticketCursorSchema.optional(),
  }),
);

/** The same as a REST query string. */
export const listTicketsQuerySchema = cursorOfItsSort(
  z.object({
    ...ticketMatchFields(positiveIntegerParamSchema, ticketStatusParamSchema),
    due: dueSchema.optional(),
    sort: sortSchema.optional(),
    limit: pageQueryFields.limit,
    cursor: ticketCursorSchema.optional(),
  }),
);
export type ListTicketsQuery = z.output<typeof listTicketsQuerySchema>;

/** The filters of the ticket counters, numbers as numbers (tRPC). */
export const ticketCountsInputSchema = z.object(ticketMatchFields(positiveIntegerSchema, ticketStatusSchema));

/** The same as a REST query string. */
export const ticketCountsQuerySchema = z.object(
  ticketMatchFields(positiveIntegerParamSchema, ticketStatusParamSchema),
);
export type TicketCountsQuery = z.output<typeof ticketCountsQuerySchema>;

/** A page request, numbers as numbers (tRPC). */
export const pageInputSchema = z.object(pageFields);

/** The same as a REST query string. */
export const pageQuerySchema = z.object(pageQueryFields);
export type PageQuery = z.output<typeof pageQuerySchema>;

export const saveZoneInputSchema = z
  .object(
    {
      name: text(200).meta({ example: 'Barrio Centro' }),
      max_active_tickets: positiveIntegerSchema
        .max(1_000_000, { error: 'must be at most 1000000' })
        .nullable()
        .optional()
        .meta({ description: "This zone's limit; null or absent uses the default", example: 3 }),
    },
    { error: expected('a JSON object') },
  )
  .meta({ id: 'SaveZoneInput' });
export type SaveZoneInput = z.output<typeof saveZoneInputSchema>;

export const saveTechnicianInputSchema = z
  .object(
    {
      name: text(200).meta({ example: 'Ana Gómez' }),
      active: z
        .boolean({ error: expected('true or false') })
        .optional()
        .meta({ description: 'Default true' }),
    },
    { error: expected('a JSON object') },
  )
  .meta({ id: 'SaveTechnicianInput' });
export type SaveTechnicianInput = z.output<typeof saveTechnicianInputSchema>;

export const saveServiceInputSchema = z
  .object(
    {
      zone_id: positiveIntegerSchema,
      customer_name: text(200).nullable().optional().meta({ example: 'Luis Pérez' }),
    },
    { error: expected('a JSON object') },
  )
  .meta({ id: 'SaveServiceInput' });
export type SaveServiceInput = z.output<typeof saveServiceInputSchema>;
