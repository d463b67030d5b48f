import { screen, within } from '@testing-library/react';
import type userEvent from '@testing-library/user-event';

/** The form's region: the ticket list has filters of the same names. */
export const form = () => within(screen.getByRole('region', { name: 'Nuevo ticket' }));

/** Chooses a service in the form's picker: types its number and clicks its line among the matches. */
export async function pickService(
  user: ReturnType<typeof userEvent.setup>,
  serviceId: string,
): Promise<void> {
  const service = await form().findByRole('combobox', { name: 'Servicio' });
  await user.clear(service);
  await user.type(service, serviceId);
  await user.click(await form().findByRole('option', { name: new RegExp(`^${serviceId} ·`) }));
}

/** Fills the new-ticket form for a service, with Ana Gómez, "Falla Masiva" and a description. */
export async function fillForm(
  user: ReturnType<typeof userEvent.setup>,
  serviceId: string,
  description = 'Sin servicio desde las 9',
): Promise<void> {
  // The lists load first (the selects say "Cargando…" meanwhile).
  await form().findByRole('option', { name: /^Ana Gómez/ });
  await pickService(user, serviceId);
  await user.selectOptions(form().getByRole('combobox', { name: 'Técnico' }), '5');
  await user.selectOptions(screen.getByRole('combobox', { name: 'Asunto' }), 'Falla Masiva');
  await user.type(screen.getByRole('textbox', { name: 'Descripción' }), description);
}
