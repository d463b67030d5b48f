import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderConsole, ticket } from '../testing/console.js';
import { envelope } from '../testing/fake-trpc.js';

const zoneFull = {
  ok: false,
  type: 'info',
  action: 'zone_ticket_limit_reached',
  data: { zone_id: 1, active_tickets: 3, max_tickets: 3 },
  message:
    'Zone 1 has reached its maximum of 3 active tickets; wait for one to be resolved before opening another',
  meta: null,
};

/** The form's region: the ticket list has filters of the same names. */
const form = () => within(screen.getByRole('region', { name: 'Nuevo ticket' }));

async function fillForm(user: ReturnType<typeof userEvent.setup>, serviceId: string) {
  // The lists load first (the selects say "Cargando…" meanwhile).
  await form().findByRole('option', { name: /^Ana Gómez/ });
  await form().findByRole('option', { name: new RegExp(`^${serviceId} ·`) });
  await user.selectOptions(form().getByRole('combobox', { name: 'Servicio' }), serviceId);
  await user.selectOptions(screen.getByRole('combobox', { name: 'Técnico' }), '5');
  await user.selectOptions(screen.getByRole('combobox', { name: 'Asunto' }), 'Falla Masiva');
  await user.type(screen.getByRole('textbox', { name: 'Descripción' }), 'Sin servicio desde las 9');
}

describe('the new-ticket form', () => {
  it("fills in the service's zone, shows its capacity, and words a full zone's refusal with max_tickets", async () => {
    const user = userEvent.setup();
    const { calls } = renderConsole({ 'tickets.create': () => ({ data: zoneFull }) });
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
    const created = { ...ticket, ticket_id: 8, service_id: 101, subject: 'Falla Masiva', priority: '3' };
    renderConsole({ 'tickets.create': () => ({ data: envelope('ticket_created', created) }) });
    await fillForm(user, '101');
    expect(await screen.findByText('1 de 3 tickets activos')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Crear ticket' }));

    const result = (await form().findByText('Ticket #8 creado')).closest('[role="status"]');
    expect(result?.textContent).toBe('Ticket #8 creado (Falla Masiva). Vence el mar 3 mar 2026, 10:00.');
    expect((screen.getByRole('combobox', { name: 'Asunto' }) as HTMLSelectElement).value).toBe('');
    expect((screen.getByRole('textbox', { name: 'Descripción' }) as HTMLTextAreaElement).value).toBe('');
    expect((screen.getByRole('combobox', { name: 'Servicio' }) as HTMLSelectElement).value).toBe('101');
  });

  it("shows the server's field errors beside their fields", async () => {
    const user = userEvent.setup();
    renderConsole({
      'tickets.create': () => ({
        data: {
          ok: false,
          type: 'error',
          action: 'ticket_creation_failed',
          data: null,
          message: 'technician_id: technician 5 is inactive',
          meta: {
            errors: [
              { field: 'technician_id', code: 'inactive_technician', message: 'technician 5 is inactive' },
            ],
          },
        },
      }),
    });
    await fillForm(user, '101');
    await user.click(screen.getByRole('button', { name: 'Crear ticket' }));

    const technician = screen.getByRole('combobox', { name: 'Técnico' });
    await waitFor(() => expect(technician.getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByRole('combobox', { name: 'Técnico' }).getAttribute('aria-describedby')).toBe(
      'f-technician_id-error',
    );
    expect(document.getElementById('f-technician_id-error')?.textContent).toBe('El técnico está inactivo.');
    expect(screen.getByRole('alert').textContent).toBe('No se creó el ticket. El técnico está inactivo.');
  });

  it('asks for the numbers when the key may not list services and technicians', async () => {
    const user = userEvent.setup();
    const { calls } = renderConsole({
      'services.list': () => ({ error: 'FORBIDDEN' }),
      'technicians.list': () => ({ error: 'FORBIDDEN' }),
      'tickets.create': () => ({ data: zoneFull }),
    });
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
    // The list still names the zone; the technician, unknown to this key, by number.
    expect(await screen.findByText('Técnico #5')).toBeTruthy();
  });
});
