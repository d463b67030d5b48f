import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ApiKey } from '@tickets/api';
import { describe, expect, it } from 'vitest';
import { unwrap } from '../api.js';
import { renderConsole } from '../testing/console.js';
import { fillForm, form } from '../testing/form.js';

/** `API_KEYS` with an admin key and a dispatcher's `tickets` key. */
const DISPATCHER_KEY = 'dispatch-key-0123456789abcdef';
const keys: readonly ApiKey[] = [
  { name: 'ops', key: 'ops-key-0123456789abcdef', scope: 'admin' },
  { name: 'dispatch', key: DISPATCHER_KEY, scope: 'tickets' },
];

describe('the new-ticket form', () => {
  it("fills in the service's zone, shows its capacity, and words a full zone's refusal with max_tickets", async () => {
    const user = userEvent.setup();
    const { calls } = await renderConsole();
    await fillForm(user, '100');

    expect(form().getByLabelText('Zona').textContent).toBe('Centro (#1)');
    expect(
      await screen.findByText('3 de 3 tickets activos: zona llena, no admite tickets nuevos'),
    ).toBeTruthy();
    expect(document.getElementById('f-priority')?.textContent).toBe('Prioridad Alta');

    await user.click(screen.getByRole('button', { name: 'Crear ticket' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(
      'Zona llena. La zona Centro alcanzó su máximo de 3 tickets activos. Espere a que se resuelva uno antes de abrir otro.',
    );

    const creates = calls.filter((c) => c.path === 'tickets.create');
    expect(creates).toHaveLength(1);
    expect(creates[0]?.method).toBe('POST');
    expect(creates[0]?.input).toEqual({
      service_id: 100,
      zone_id: 1,
      technician_id: 5,
      subject: 'Falla Masiva',
      description: 'Sin servicio desde las 9',
    });
    // Sending the same ticket again is a retry: the same Idempotency-Key.
    const key = creates[0]?.headers['idempotency-key'];
    expect(key).toMatch(/^console-[0-9a-f]{32}$/);
    await user.click(screen.getByRole('button', { name: 'Crear ticket' }));
    await waitFor(() => expect(calls.filter((c) => c.path === 'tickets.create')).toHaveLength(2));
    expect(calls.filter((c) => c.path === 'tickets.create')[1]?.headers['idempotency-key']).toBe(key);
  });

  it('says which ticket it created, and clears the subject and description', async () => {
    const user = userEvent.setup();
    const { admin } = await renderConsole();
    await fillForm(user, '101');
    expect(await screen.findByText('1 de 3 tickets activos')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Crear ticket' }));

    const result = (await form().findByText(/^Ticket #\d+ creado$/)).closest('[role="status"]');
    const norte = unwrap(await admin.tickets.list.query({ zone_id: 2 })).tickets;
    const created = norte.find((t) => t.subject === 'Falla Masiva');
    expect(created).toMatchObject({
      service_id: 101,
      technician_id: 5,
      description: 'Sin servicio desde las 9',
    });
    expect(result?.textContent).toBe(
      `Ticket #${created?.ticket_id} creado (Falla Masiva). Vence el mar 3 mar 2026, 10:00.`,
    );
    expect((screen.getByRole('combobox', { name: 'Asunto' }) as HTMLSelectElement).value).toBe('');
    expect((screen.getByRole('textbox', { name: 'Descripción' }) as HTMLTextAreaElement).value).toBe('');
    expect((form().getByRole('combobox', { name: 'Servicio' }) as HTMLInputElement).value).toBe(
      '101 · María José Rodríguez · Norte',
    );
  });

  it("shows the server's field errors beside their fields", async () => {
    const user = userEvent.setup();
    const { admin } = await renderConsole();
    await fillForm(user, '101');
    // Another dispatcher deactivates Ana after the form listed her.
    unwrap(await admin.technicians.save.mutate({ technician_id: 5, name: 'Ana Gómez', active: false }));
    await user.click(screen.getByRole('button', { name: 'Crear ticket' }));

    const technician = form().getByRole('combobox', { name: 'Técnico' });
    await waitFor(() => expect(technician.getAttribute('aria-invalid')).toBe('true'));
    expect(form().getByRole('combobox', { name: 'Técnico' }).getAttribute('aria-describedby')).toBe(
      'f-technician_id-error',
    );
    expect(document.getElementById('f-technician_id-error')?.textContent).toBe('El técnico está inactivo.');
    expect(screen.getByRole('alert').textContent).toBe('No se creó el ticket. El técnico está inactivo.');
  });

  it('asks for the numbers when the key may not list services and technicians', async () => {
    const user = userEvent.setup();
    sessionStorage.setItem('tickets.apiKey', DISPATCHER_KEY);
    const { calls } = await renderConsole({ keys });
    expect(await screen.findByText(/no permite listar servicios ni técnicos/)).toBeTruthy();
    const service = await screen.findByRole('spinbutton', { name: 'Servicio' });
    await waitFor(() => expect((service as HTMLInputElement).disabled).toBe(false));
    await user.type(service, '100');
    await user.selectOptions(form().getByRole('combobox', { name: 'Zona' }), '1');
    await user.type(screen.getByRole('spinbutton', { name: 'Técnico' }), '5');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Asunto' }), 'Falla Masiva');
    await user.type(screen.getByRole('textbox', { name: 'Descripción' }), 'Caído');
    await user.click(screen.getByRole('button', { name: 'Crear ticket' }));

    expect((await screen.findByRole('alert')).textContent).toContain('máximo de 3 tickets activos');
    expect(calls.find((c) => c.path === 'tickets.create')?.input).toMatchObject({
      service_id: 100,
      zone_id: 1,
      technician_id: 5,
    });
    // The list names the technician all the same: each ticket carries its name (the four seeded tickets).
    const list = within(screen.getByRole('region', { name: 'Tickets' }));
    await waitFor(() => expect(list.getAllByRole('cell', { name: 'Ana Gómez' })).toHaveLength(4));
  });
});
