import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { unwrap } from '../api.js';
import { renderConsole } from '../testing/console.js';

const page = () => screen.getByRole('region', { name: /^Ticket #\d+/ });

describe("a ticket's page", () => {
  beforeEach(() => window.history.replaceState(null, '', '#/'));

  it('opens from its row with everything about it, its history with who did what, and back returns to the list', async () => {
    const user = userEvent.setup();
    const { seeded } = await renderConsole({
      prepare: async (api, { ticket }) => {
        unwrap(
          await api.tickets.update.mutate({
            ticket_id: ticket.ticket_id,
            status: 2,
            answer_text: 'Vamos en camino',
          }),
        );
      },
    });
    const id = seeded.ticket.ticket_id;
    const list = await screen.findByRole('region', { name: 'Tickets' });
    await user.click(await within(list).findByRole('link', { name: `Ver el ticket #${id}` }));
    expect(window.location.hash).toBe(`#/ticket/${id}`);

    const heading = await screen.findByRole('heading', { name: `Ticket #${id}: Internet Lento` });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    const facts = within(page());
    expect(facts.getByText('Velocidad muy baja')).toBeTruthy();
    expect(facts.getByText('María José Rodríguez')).toBeTruthy();
    expect(facts.getByText('· servicio 101')).toBeTruthy();
    expect(facts.getAllByText('Ana Gómez').length).toBeGreaterThan(0);
    expect(facts.getByText('Vamos en camino')).toBeTruthy();
    // The desk is hidden meanwhile, not gone.
    expect(screen.queryByRole('region', { name: 'Nuevo ticket' })).toBeNull();

    const history = within(await screen.findByRole('region', { name: 'Historial' }));
    // One change of status and answer: two events, each with when and who (no API keys here).
    await waitFor(() => expect(history.getAllByRole('listitem')).toHaveLength(3));
    const events = history.getAllByRole('listitem').map((li) => li.textContent);
    expect(events[0]).toBe('jue 26 feb 2026, 10:00 · sin clave de APICreó el ticket (prioridad normal).');
    expect(events.slice(1).join(' ')).toContain('Cambió el estado de abierto a en progreso');
    expect(events.slice(1).join(' ')).toContain('Respondió al cliente: “Vamos en camino”.');

    window.history.back();
    expect(await screen.findByRole('region', { name: 'Nuevo ticket' })).toBeTruthy();
    expect(window.location.hash).toBe('#/');
  });

  it('reassigns the technician against the version seen, and names the change', async () => {
    const user = userEvent.setup();
    const { admin, seeded, calls } = await renderConsole({
      prepare: async (api) => {
        unwrap(await api.technicians.save.mutate({ technician_id: 7, name: 'Rosa Díaz' }));
      },
    });
    const id = seeded.ticket.ticket_id;
    window.history.pushState(null, '', `#/ticket/${id}`);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await screen.findByRole('heading', { name: `Ticket #${id}: Internet Lento` });
    const technician = await within(page()).findByRole('combobox', { name: 'Nuevo técnico' });
    await within(technician).findByRole('option', { name: 'Rosa Díaz' });
    // Inactive technicians and the ticket's own are not offered.
    expect(within(technician).queryByRole('option', { name: /Pedro Ruiz|Ana Gómez/ })).toBeNull();
    await user.selectOptions(technician, '7');
    await user.click(within(page()).getByRole('button', { name: 'Reasignar' }));
    expect(await within(page()).findByText(`Ticket #${id} reasignado a Rosa Díaz.`)).toBeTruthy();
    expect(calls.find((c) => c.path === 'tickets.update')?.input).toEqual({
      ticket_id: id,
      technician_id: 7,
      expected_version: seeded.ticket.version,
    });
    expect(unwrap(await admin.tickets.get.query({ ticket_id: id })).technician_name).toBe('Rosa Díaz');
    const history = within(screen.getByRole('region', { name: 'Historial' }));
    expect(await history.findByText('Reasignó el ticket de Ana Gómez a Rosa Díaz.')).toBeTruthy();
    // The dispatcher's own change is not announced as someone else's.
    expect(within(page()).queryByText(/Otra persona cambió este ticket/)).toBeNull();
  });

  it('refuses to overwrite a change not seen: says what changed in Spanish and offers to reassign over it', async () => {
    const user = userEvent.setup();
    const { admin, seeded } = await renderConsole({
      prepare: async (api) => {
        unwrap(await api.technicians.save.mutate({ technician_id: 7, name: 'Rosa Díaz' }));
      },
    });
    const id = seeded.ticket.ticket_id;
    window.history.pushState(null, '', `#/ticket/${id}`);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    const technician = await within(await screen.findByRole('region', { name: /^Ticket #/ })).findByRole(
      'combobox',
      { name: 'Nuevo técnico' },
    );
    await within(technician).findByRole('option', { name: 'Rosa Díaz' });
    await user.selectOptions(technician, '7');
    // Someone else moves it to En progreso before the dispatcher clicks.
    unwrap(await admin.tickets.update.mutate({ ticket_id: id, status: 2 }));
    await user.click(within(page()).getByRole('button', { name: 'Reasignar' }));

    const refusal = await within(page()).findByText(/No se reasignó:/);
    expect(refusal.closest('[role="alert"]')?.textContent).toContain(
      `No se reasignó: otra persona cambió el ticket #${id} mientras usted lo veía. Ahora está en progreso, con Ana Gómez como técnico, sin respuesta.`,
    );
    expect(unwrap(await admin.tickets.get.query({ ticket_id: id })).technician_id).toBe(5);

    await user.click(within(page()).getByRole('button', { name: 'Reasignar de todos modos a Rosa Díaz' }));
    expect(await within(page()).findByText(`Ticket #${id} reasignado a Rosa Díaz.`)).toBeTruthy();
    expect(unwrap(await admin.tickets.get.query({ ticket_id: id }))).toMatchObject({
      technician_id: 7,
      status: 2,
    });
  });

  it('says so when the ticket changes while its page is open', async () => {
    const { admin, seeded, queryClient } = await renderConsole();
    const id = seeded.ticket.ticket_id;
    window.history.pushState(null, '', `#/ticket/${id}`);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await screen.findByRole('heading', { name: `Ticket #${id}: Internet Lento` });
    await within(page()).findByText('Velocidad muy baja');
    unwrap(await admin.tickets.update.mutate({ ticket_id: id, status: 3, answer_text: 'Listo' }));
    await queryClient.refetchQueries({ type: 'active' });
    const alert = await within(page()).findByText(
      /Otra persona cambió este ticket mientras usted lo tenía abierto/,
    );
    expect(alert.textContent).toContain('ahora está resuelto, con Ana Gómez como técnico');
  });

  it('says a ticket that does not exist does not', async () => {
    window.history.replaceState(null, '', '#/ticket/999');
    await renderConsole();
    expect(await screen.findByText('El ticket #999 no existe.', undefined, { timeout: 4000 })).toBeTruthy();
  });
});
