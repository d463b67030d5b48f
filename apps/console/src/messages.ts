import type { AppRouter } from '@tickets/api';
import { TRPCClientError } from '@trpc/client';
import type { inferRouterOutputs } from '@trpc/server';
import { EnvelopeError, errorCode } from './api.js';

// Every message a dispatcher reads is Spanish, chosen by the code the API answers with; the
// server's own (English) message is never shown.

type Outputs = inferRouterOutputs<AppRouter>;
type Procedures = { [R in keyof Outputs]: Outputs[R][keyof Outputs[R]] }[keyof Outputs];
/** Every `action` a procedure of the router can refuse with. */
export type RefusalAction = Extract<Procedures, { ok: false }>['action'];

/** What each refusal of the router means, for the calls the console makes and any other. */
const refusalTexts = {
  ticket_creation_failed: 'Revise los datos del ticket.',
  affected_add_failed: 'Revise los datos del cliente.',
  service_save_failed: 'Revise los datos del servicio.',
  ticket_update_failed: 'Revise el cambio del ticket.',
  zone_ticket_limit_reached: 'La zona alcanzó su máximo de tickets activos.',
  ticket_not_found: 'El ticket no existe.',
  zone_not_found: 'La zona no existe.',
  idempotency_key_reused: 'Esta solicitud ya se usó para otro ticket: envíela de nuevo.',
  delivery_not_failed: 'WispHub no rechazó este ticket: no hay envío que reintentar.',
  wisphub_disabled: 'La conexión con WispHub no está activa en este servidor.',
  ticket_changed: 'Otra persona cambió el ticket mientras usted lo atendía.',
  ticket_not_active: 'El ticket ya no está activo: se resolvió o se cerró.',
  queue_entry_not_found: 'La solicitud de la fila no existe.',
  queue_entry_not_waiting: 'La solicitud ya no está en la fila.',
} satisfies Record<RefusalAction, string>;

/** tRPC's error codes (and the REST envelope's transport actions) in the dispatcher's words. */
const transportTexts: Record<string, string> = {
  BAD_REQUEST: 'El servidor no aceptó los datos enviados.',
  PARSE_ERROR: 'El servidor no entendió la solicitud.',
  UNAUTHORIZED: 'La clave de API no es válida o falta.',
  FORBIDDEN: 'Su clave de API no permite hacer esto: hace falta una clave de administrador.',
  NOT_FOUND:
    'El servidor no conoce esta consulta: puede que la consola esté desactualizada. Recargue la página.',
  METHOD_NOT_SUPPORTED:
    'El servidor no conoce esta consulta: puede que la consola esté desactualizada. Recargue la página.',
  PAYLOAD_TOO_LARGE: 'El texto es demasiado largo para enviarlo.',
  UNSUPPORTED_MEDIA_TYPE: 'El servidor no entendió la solicitud.',
  TIMEOUT: 'El servidor tardó demasiado en responder. Intente de nuevo.',
  TOO_MANY_REQUESTS: 'Demasiadas solicitudes seguidas. Espere unos segundos e intente de nuevo.',
  CLIENT_CLOSED_REQUEST: 'La solicitud se interrumpió antes de terminar. Intente de nuevo.',
  SERVICE_UNAVAILABLE:
    'El servidor no puede consultar los datos en este momento. Intente de nuevo en unos segundos.',
  INTERNAL_SERVER_ERROR: 'Ocurrió un error inesperado en el servidor (quedó registrado). Intente de nuevo.',
  unauthorized: 'La clave de API no es válida o falta.',
  forbidden: 'Su clave de API no permite hacer esto: hace falta una clave de administrador.',
  not_found:
    'El servidor no conoce esta consulta: puede que la consola esté desactualizada. Recargue la página.',
  method_not_allowed:
    'El servidor no conoce esta consulta: puede que la consola esté desactualizada. Recargue la página.',
  payload_too_large: 'El texto es demasiado largo para enviarlo.',
  unsupported_media_type: 'El servidor no entendió la solicitud.',
  malformed_json: 'El servidor no entendió la solicitud.',
  request_aborted: 'La solicitud se interrumpió antes de terminar. Intente de nuevo.',
  service_unavailable:
    'El servidor no puede consultar los datos en este momento. Intente de nuevo en unos segundos.',
  internal_error: 'Ocurrió un error inesperado en el servidor (quedó registrado). Intente de nuevo.',
  invalid_request: 'La consulta no es válida.',
};

/** What the dispatcher is told when the server cannot be reached at all (the browser's "Failed to fetch"). */
export const NETWORK_MESSAGE = 'No hay conexión con el servidor. Revise la red e intente de nuevo.';

const UNKNOWN_MESSAGE = 'Ocurrió un error inesperado. Intente de nuevo.';

/** A refusal envelope's action in Spanish. */
export const refusalText = (action: string): string =>
  (refusalTexts as Record<string, string>)[action] ?? transportTexts[action] ?? UNKNOWN_MESSAGE;

/** Whether a call failed because no answer came back (the network, a server that is down). */
export function isNetworkError(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return error instanceof TypeError;
  // No tRPC error body: the request never got an answer the client could read.
  return error.data === undefined || error.data === null
    ? error.cause instanceof TypeError || /fetch|network|load failed/i.test(error.message)
    : false;
}

/** Whether a call failed for want of the server: no answer, or its store out of reach (503). */
export const isUnreachable = (error: unknown): boolean =>
  errorCode(error) === 'SERVICE_UNAVAILABLE' || (errorCode(error) === undefined && isNetworkError(error));

/** Why a call failed, in Spanish: the network, a refusal envelope, or a tRPC error code. */
export function errorText(error: unknown): string {
  if (error instanceof EnvelopeError) return refusalText(error.action);
  const code = errorCode(error);
  if (code !== undefined) return transportTexts[code] ?? UNKNOWN_MESSAGE;
  if (isNetworkError(error)) return NETWORK_MESSAGE;
  // A proxy's HTML page, a body that is not tRPC's: the server is out of reach all the same.
  if (error instanceof TRPCClientError) return NETWORK_MESSAGE;
  return UNKNOWN_MESSAGE;
}

/** The kind of value each field a dispatcher fills takes. */
const numberFields = new Set(['service_id', 'zone_id', 'technician_id', 'ticket_id', 'queue_id', 'status']);

/** Why a reference was refused, in the dispatcher's words. */
const referenceTexts: Record<string, string> = {
  unknown_service: 'No existe un servicio con ese número.',
  unknown_technician: 'No existe un técnico con ese número.',
  inactive_technician: 'El técnico está inactivo.',
  unknown_zone: 'No existe una zona con ese número.',
  service_in_other_zone: 'El servicio pertenece a otra zona.',
  unknown_subject: 'El asunto no está en el catálogo.',
  idempotency_key_reused: 'Esta solicitud ya se usó para otro ticket: envíela de nuevo.',
  malformed_json: 'El servidor no entendió la solicitud.',
  unsupported_media_type: 'El servidor no entendió la solicitud.',
};

/**
 * One field's problem in Spanish, from its code (zod's issue codes for the shape, the domain's
 * for references) and the kind of field; never the server's English message.
 */
export function fieldErrorText(error: { readonly field: string; readonly code: string }): string {
  const reference = referenceTexts[error.code];
  if (reference !== undefined) return reference;
  const isNumber = numberFields.has(error.field);
  switch (error.code) {
    case 'too_small':
      return isNumber ? 'Debe ser un número entero positivo.' : 'No puede quedar en blanco.';
    case 'too_big':
      return isNumber ? 'El número es demasiado grande.' : 'El texto es demasiado largo.';
    case 'invalid_type':
      return isNumber ? 'Escriba un número entero positivo.' : 'Falta este dato.';
    case 'custom':
      return 'El texto tiene caracteres que no se pueden guardar.';
    case 'invalid_union':
    case 'invalid_value':
      return 'Elija uno de los valores de la lista.';
    default:
      return 'Este dato no es válido.';
  }
}

/** What an empty required field of the new-ticket form says, before anything is sent. */
export const requiredTexts = {
  service_id: 'Elija el servicio del cliente.',
  service_id_typed: 'Escriba el número de servicio del cliente.',
  zone_id: 'Elija la zona del servicio.',
  technician_id: 'Elija el técnico.',
  technician_id_typed: 'Escriba el número del técnico.',
  subject: 'Elija un asunto del catálogo.',
  description: 'Escriba qué reporta el cliente.',
  api_key: 'Escriba la clave de API.',
} as const;
