import { z } from 'zod';

/** One problem with one field of a request. */
export interface FieldError {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

export interface ErrorMeta {
  readonly errors: readonly FieldError[];
}

/** A success's `meta`: a create answered from an earlier request with the same idempotency key says so. */
export interface ReplayMeta {
  readonly replayed: true;
}

/** WispHub's BackendResponse: every answer, success or not, has all six keys. */
export interface Envelope<
  Ok extends boolean = boolean,
  Type extends 'success' | 'error' | 'info' = 'success' | 'error' | 'info',
  Action extends string = string,
  Data = unknown,
  Meta extends ErrorMeta | ReplayMeta | null = ErrorMeta | ReplayMeta | null,
> {
  readonly ok: Ok;
  readonly type: Type;
  readonly action: Action;
  readonly data: Data;
  readonly message: string | null;
  readonly meta: Meta;
}

export type SuccessEnvelope<Action extends string, Data, Meta extends ReplayMeta | null = null> = Envelope<
  true,
  'success',
  Action,
  Data,
  Meta
>;
export type ErrorEnvelope<Action extends string = string, Data = null> = Envelope<
  false,
  'error',
  Action,
  Data,
  ErrorMeta | null
>;
export type InfoEnvelope<Action extends string, Data> = Envelope<false, 'info', Action, Data, null>;

export function success<Action extends string, Data, Meta extends ReplayMeta | null = null>(
  action: Action,
  data: Data,
  meta: Meta = null as Meta,
): SuccessEnvelope<Action, Data, Meta> {
  return { ok: true, type: 'success', action, data, message: null, meta };
}

export function failure<Action extends string, Data = null>(
  action: Action,
  message: string,
  errors: readonly FieldError[] = [],
  data: Data = null as Data,
): ErrorEnvelope<Action, Data> {
  return {
    ok: false,
    type: 'error',
    action,
    data,
    message,
    meta: errors.length > 0 ? { errors } : null,
  };
}

export function info<Action extends string, Data>(
  action: Action,
  data: Data,
  message: string,
): InfoEnvelope<Action, Data> {
  return { ok: false, type: 'info', action, data, message, meta: null };
}

// Schemas of the same shapes, for the OpenAPI document and for tests that check responses.

const fieldErrorSchema = z
  .object({
    field: z.string().meta({ example: 'subject' }),
    code: z.string().meta({ example: 'unknown_subject' }),
    message: z.string(),
  })
  .meta({ id: 'FieldError' });

export const errorMetaSchema = z.object({ errors: z.array(fieldErrorSchema) }).meta({ id: 'ErrorMeta' });

const common = {
  message: z.string().nullable(),
  meta: errorMetaSchema.nullable(),
};

export function successSchema<const Action extends string, Data extends z.ZodType>(
  action: Action,
  data: Data,
) {
  return z.object({
    ok: z.literal(true),
    type: z.literal('success'),
    action: z.literal(action),
    data,
    message: z.null(),
    meta: z.null(),
  });
}

/** A success that may answer a retry: `meta` says `replayed` then. */
export function replayableSuccessSchema<const Action extends string, Data extends z.ZodType>(
  action: Action,
  data: Data,
) {
  return successSchema(action, data).extend({
    meta: z
      .object({ replayed: z.literal(true) })
      .nullable()
      .meta({ description: '`{replayed: true}` when this answers a retry with the same idempotency key' }),
  });
}

export function failureSchema<const Actions extends readonly [string, ...string[]]>(actions: Actions) {
  return z.object({
    ok: z.literal(false),
    type: z.literal('error'),
    action: z.enum(actions),
    data: z.null(),
    ...common,
  });
}

/** A refusal that carries data: the ticket as it is now, say. */
export function failureWithDataSchema<const Action extends string, Data extends z.ZodType>(
  action: Action,
  data: Data,
) {
  return z.object({
    ok: z.literal(false),
    type: z.literal('error'),
    action: z.literal(action),
    data,
    ...common,
  });
}

export function infoSchema<const Action extends string, Data extends z.ZodType>(action: Action, data: Data) {
  return z.object({
    ok: z.literal(false),
    type: z.literal('info'),
    action: z.literal(action),
    data,
    ...common,
  });
}
