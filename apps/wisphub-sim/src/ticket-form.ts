import { err, ok, type Result } from 'neverthrow';
import type { FieldErrors, Priority, StatusCode, TicketDraft } from './types.js';
import { isWispHubDate } from './wisphub-date.js';

/** What the form's foreign keys must point at. */
export interface TicketFormLookups {
  hasClient(id: number): boolean;
  hasTechnician(id: number): boolean;
}

const REQUIRED = 'Este campo es requerido.';
const BLANK = 'Este campo no puede estar en blanco.';
const NULL = 'Este campo no puede ser nulo.';
const BAD_DATE = 'Formato de fecha inválido. Use DD/MM/YYYY HH:MM.';
const CODES = [1, 2, 3, 4] as const satisfies readonly (StatusCode & Priority)[];

type Check<T> = { readonly value: T } | { readonly error: string };

// DRF's PrimaryKeyRelatedField: '' is null, a non-integer is the wrong type, an unknown id does not exist.
function optionalKey(raw: string, exists: (id: number) => boolean): Check<number | null> {
  return raw === '' ? { value: null } : key(raw, exists);
}

function key(raw: string, exists: (id: number) => boolean): Check<number> {
  if (raw === '') return { error: NULL };
  if (!/^\d+$/.test(raw.trim())) {
    return { error: 'Tipo incorrecto. Se esperaba valor de clave primaria y se recibió str.' };
  }
  const id = Number(raw.trim());
  return exists(id) ? { value: id } : { error: `Clave primaria "${raw}" inválida - objeto no existe.` };
}

const text = (raw: string): Check<string> => (raw.trim() === '' ? { error: BLANK } : { value: raw.trim() });

function choice(raw: string): Check<(typeof CODES)[number]> {
  const code = CODES.find((candidate) => String(candidate) === raw.trim());
  return code === undefined ? { error: `"${raw}" no es una elección válida.` } : { value: code };
}

const date = (raw: string): Check<string> =>
  isWispHubDate(raw.trim()) ? { value: raw.trim() } : { error: BAD_DATE };

/**
 * Validates `POST /api/tickets/` form fields the way WispHub's serializer does: every failing field
 * answers its messages in Spanish, unknown fields are ignored, optional text defaults to ''.
 */
export function parseTicketForm(
  form: Readonly<Record<string, string>>,
  lookups: TicketFormLookups,
): Result<TicketDraft, FieldErrors> {
  const errors: Record<string, string[]> = {};
  const field = <T>(name: string, required: boolean, check: (raw: string) => Check<T>, fallback: T): T => {
    const raw = form[name];
    if (raw === undefined) {
      if (required) errors[name] = [REQUIRED];
      return fallback;
    }
    const result = check(raw);
    if ('error' in result) {
      errors[name] = [result.error];
      return fallback;
    }
    return result.value;
  };

  const draft: TicketDraft = {
    servicio: field('servicio', true, (raw) => key(raw, lookups.hasClient), 0),
    asuntos_default: field('asuntos_default', false, (raw) => ({ value: raw.trim() }), ''),
    asunto: field('asunto', true, text, ''),
    tecnico: field('tecnico', false, (raw) => optionalKey(raw, lookups.hasTechnician), null),
    descripcion: field('descripcion', true, text, ''),
    estado: field('estado', true, choice, 1),
    prioridad: field('prioridad', true, choice, 1),
    fecha_inicio: field('fecha_inicio', true, date, ''),
    fecha_final: field('fecha_final', true, date, ''),
    departamento: field('departamento', false, (raw) => ({ value: raw.trim() }), ''),
    departamentos_default: field('departamentos_default', false, (raw) => ({ value: raw.trim() }), ''),
  };
  return Object.keys(errors).length === 0 ? ok(draft) : err(errors);
}
