import type { StatusCode, StatusFormat, StatusLabel } from './types.js';

const LABELS = {
  1: 'Nuevo',
  2: 'En Progreso',
  3: 'Resuelto',
  4: 'Cerrado',
} as const satisfies Record<StatusCode, StatusLabel>;

const CODES: readonly StatusCode[] = [1, 2, 3, 4];

/** The label WispHub shows for a status code. */
export const statusLabel = (code: StatusCode): StatusLabel => LABELS[code];

/** A status code from its code ("3", 3) or its label ("Resuelto", case-insensitive); undefined otherwise. */
export function parseStatus(value: string | number): StatusCode | undefined {
  const text = String(value).trim();
  const byCode = CODES.find((code) => String(code) === text);
  if (byCode !== undefined) return byCode;
  return CODES.find((code) => LABELS[code].toLowerCase() === text.toLowerCase());
}

/** `estado` as a ticket renders it under a status format ('mixed': label for even ids, code for odd). */
export function renderStatus(
  code: StatusCode,
  ticketId: number,
  format: StatusFormat,
): StatusCode | StatusLabel {
  if (format === 'code') return code;
  if (format === 'label') return LABELS[code];
  return ticketId % 2 === 0 ? LABELS[code] : code;
}
