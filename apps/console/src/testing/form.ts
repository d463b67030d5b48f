import { screen, within } from '@testing-library/react';
import type userEvent from '@testing-library/user-event';

/** The form's region: the ticket list has filters of the same names. */
export const form = () => within(screen.getByRole('region', { name: 'Nuevo ticket' }));

/** Fills the new-ticket form for a service, with Ana Gómez, "Falla Masiva" and a description. */
export async function fillForm(
  user: ReturnType<typeof userEvent.setup>,
  serviceId: string,
  description = 'Sin servicio desde las 9',
): Promise<void> {
  // The lists load first (the selects say "Cargando…" meanwhile).
  await form().findByRole('option', { name: /^Ana Gómez/ });
  await form().findByRole('option', { name: new RegExp(`^${serviceId} ·`) });
  await user.selectOptions(form().getByRole('combobox', { name: 'Servicio' }), serviceId);
  await user.selectOptions(screen.getByRole('combobox', { name: 'Técnico' }), '5');
  await user.selectOptions(screen.getByRole('combobox', { name: 'Asunto' }), 'Falla Masiva');
  await user.type(screen.getByRole('textbox', { name: 'Descripción' }), description);
}
