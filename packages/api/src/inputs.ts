import { positiveIntegerParamSchema } from '@tickets/domain';
import { z } from 'zod';

/** REST path parameters: ids as text, coerced. (tRPC takes them as numbers.) */
export const ticketIdParams = z.object({ ticket_id: positiveIntegerParamSchema });
export const zoneIdParams = z.object({ zone_id: positiveIntegerParamSchema });
export const technicianIdParams = z.object({ technician_id: positiveIntegerParamSchema });
export const serviceIdParams = z.object({ service_id: positiveIntegerParamSchema });
export const queueIdParams = z.object({ queue_id: positiveIntegerParamSchema });

/** An Idempotency-Key: 1 to 255 visible ASCII characters, unique per API key. */
export const idempotencyKeySchema = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(255, { error: 'must be at most 255 characters' })
  .regex(/^[\x21-\x7E]+$/, { error: 'must be visible ASCII characters without spaces' })
  .meta({
    description:
      'Makes the create safe to retry: a retry with the same key and body answers with the first ticket and creates nothing. Keys are kept at least 24 hours.',
    example: 'crm-7f3a9c2e',
  });

/**
 * `If-Match: "<version>"` (a weak `W/"<version>"` is read the same): the change applies only to
 * that version of the ticket. `*` matches any.
 */
export const ifMatchSchema = z
  .string()
  .regex(/^\s*(?:\*|(?:W\/)?"[1-9]\d{0,14}")\s*$/, {
    error: 'must be the ticket\'s ETag, e.g. "3" (its version in quotes), or *',
  })
  .transform((value) => {
    const version = /"(\d+)"/.exec(value)?.[1];
    return version === undefined ? undefined : Number(version);
  })
  .meta({
    description:
      "The ticket's `ETag` (its `version` in quotes) as last read: a change made since answers 412 `ticket_changed`. Without it, the last change wins",
    example: '"3"',
  });
