import { err } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { createSubjectCatalogue, defaultSubjects, subjectGroupsSchema } from './subjects.js';

describe('the subject catalogue', () => {
  const catalogue = createSubjectCatalogue(defaultSubjects)._unsafeUnwrap();

  it("gives each of WispHub's 32 subjects its priority", () => {
    expect(catalogue.all).toHaveLength(32);
    expect(catalogue.priorityOf('Cancelación')).toBe(1);
    expect(catalogue.priorityOf('Internet Lento')).toBe(2);
    expect(catalogue.priorityOf('Falla Masiva')).toBe(3);
    expect(catalogue.priorityOf('Cambio A Fibra Óptica')).toBe(4);
    expect(catalogue.byPriority[4]).toEqual(['Troncal Dañado', 'Caja Nap Dañada', 'Cambio A Fibra Óptica']);
  });

  it('matches subjects exactly, case and accents included', () => {
    expect(catalogue.priorityOf('falla masiva')).toBeUndefined();
    expect(catalogue.priorityOf('Cancelacion')).toBeUndefined();
    expect(catalogue.priorityOf('Falla Masiva ')).toBeUndefined();
  });

  it('refuses a catalogue that names a subject twice, or none', () => {
    expect(createSubjectCatalogue({ '1': ['A'], '3': ['A'] })).toEqual(
      err({ type: 'duplicate_subject', subject: 'A' }),
    );
    expect(createSubjectCatalogue({})).toEqual(err({ type: 'empty_catalogue' }));
  });

  it('reads a SUBJECTS_FILE shape and refuses unknown priority keys', () => {
    expect(subjectGroupsSchema.safeParse({ '2': ['Lento'], '4': ['Caído'] }).success).toBe(true);
    expect(subjectGroupsSchema.safeParse({ '5': ['X'] }).success).toBe(false);
    expect(subjectGroupsSchema.safeParse({ '1': ['  '] }).success).toBe(false);
  });
});
