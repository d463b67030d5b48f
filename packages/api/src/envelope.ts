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

/** WispHub's BackendResponse: every answer, success or not, has all six keys. */
export interface Envelope<
  Ok extends boolean = boolean,
  Type extends 'success' | 'error' | 'info' = 'success' | 'error' | 'info',
  Action extends string = string,
  Data = unknown,
> {
  readonly ok: Ok;
  readonly type: Type;
  readonly action: Action;
  readonly data: Data;
  readonly message: string | null;
  readonly meta: ErrorMeta | null;
}

export type SuccessEnvelope<Action extends string, Data> = Envelope<true, 'success', Action, Data>;
export type ErrorEnvelope<Action extends string = string, Data = null> = Envelope<
  false,
  'error',
  Action,
  Data
>;
export type InfoEnvelope<Action extends string, Data> = Envelope<false, 'info', Action, Data>;

export function success<Action extends string, Data>(
  action: Action,
  data: Data,
): SuccessEnvelope<Action, Data> {
  return { ok: true, type: 'success', action, data, message: null, meta: null };
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
    ...common,
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
