import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import { type Priority, priorities } from './ticket.js';

/** Subjects grouped by the priority code they give a ticket. */
export type SubjectGroups = Readonly<Partial<Record<`${Priority}`, readonly string[]>>>;

/** WispHub's subject catalogue. */
export const defaultSubjects: SubjectGroups = {
  '1': [
    'Cambio de Contraseña en Router Wifi',
    'Cambio de Domicilio',
    'Recolección De Equipos',
    'Cancelación',
    'Desconexión',
  ],
  '2': [
    'Internet Lento',
    'Internet Intermitente',
    'Antena Desalineada',
    'Cables Mal Colocados',
    'Cableado Para Modem Extra',
  ],
  '3': [
    'Falla Masiva',
    'No Tiene Internet',
    'Antena Dañada',
    'No Responde la Antena',
    'No Responde el Router Wifi',
    'Router Wifi Reseteado (Valores de Fabrica)',
    'Cambio de Router Wifi',
    'Cambio de Antena',
    'Cambio de Antena + Router Wifi',
    'Cable UTP Dañado',
    'PoE Dañado',
    'Conector Dañado',
    'Antena valores De Fabrica',
    'Eliminador Dañado',
    'RJ45 Dañado',
    'Alambres Rotos',
    'Reconexión',
    'Cable Fibra Dañado',
    'Jumper Dañado',
  ],
  '4': ['Troncal Dañado', 'Caja Nap Dañada', 'Cambio A Fibra Óptica'],
};

const subjectNameSchema = z.string().trim().min(1, 'must not be blank').max(200);

/** The shape of a SUBJECTS_FILE: `{ "1": [...], "2": [...], "3": [...], "4": [...] }`. */
export const subjectGroupsSchema = z.strictObject({
  '1': z.array(subjectNameSchema).optional(),
  '2': z.array(subjectNameSchema).optional(),
  '3': z.array(subjectNameSchema).optional(),
  '4': z.array(subjectNameSchema).optional(),
});

export type SubjectCatalogueError =
  | { readonly type: 'empty_catalogue' }
  | { readonly type: 'duplicate_subject'; readonly subject: string };

/** The subjects a ticket may have, each with its priority; matched exactly (case and accents). */
export interface SubjectCatalogue {
  readonly all: readonly string[];
  readonly byPriority: Readonly<Record<Priority, readonly string[]>>;
  priorityOf(subject: string): Priority | undefined;
}

export function createSubjectCatalogue(
  groups: SubjectGroups,
): Result<SubjectCatalogue, SubjectCatalogueError> {
  const priorityBySubject = new Map<string, Priority>();
  for (const priority of priorities) {
    for (const subject of groups[`${priority}`] ?? []) {
      if (priorityBySubject.has(subject)) return err({ type: 'duplicate_subject', subject });
      priorityBySubject.set(subject, priority);
    }
  }
  if (priorityBySubject.size === 0) return err({ type: 'empty_catalogue' });
  const byPriority = {
    1: groups['1'] ?? [],
    2: groups['2'] ?? [],
    3: groups['3'] ?? [],
    4: groups['4'] ?? [],
  };
  return ok({
    all: [...priorityBySubject.keys()],
    byPriority,
    priorityOf: (subject) => priorityBySubject.get(subject),
  });
}
