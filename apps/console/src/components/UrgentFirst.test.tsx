import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createTestClock, TEST_NOW } from '@tickets/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Api, unwrap } from '../api.js';
import { renderConsole } from '../testing/console.js';

const DAY = 86_400_000;

/**
 * The seeded desk (four tickets opened Thursday 10:00, due Tuesday 10:00) and one more in Norte
 * opened Friday (due Wednesday 10:00), seen on Wednesday at 8:00: four overdue, one due today.
 */
async function renderOnWednesday(more?: (admin: Api) => Promise<void>) {
  const clock = createTestClock();
  const rendered = await renderConsole({
    desk: { clock },
    prepare: async (admin) => {
      clock.set(TEST_NOW + DAY);
      unwrap(
        await admin.services.save.mutate({ service_id: 102, zone_id: 2, customer_name: 'Camilo Muñoz' }),
      );
      const reply = await admin.tickets.create.mutate({
        service_id: 102,
        zone_id: 2,
        technician_id: 5,
        subject: 'Cambio de Contraseña en Router Wifi',
        description: 'Olvidó la clave del wifi',
      });
      if (reply.action !== 'ticket_created') throw new Error(reply.action);
      clock.set(TEST_NOW + 6 * DAY - 2 * 3_600_000);
      await more?.(admin);
    },
  });
  return rendered;
}

const tickets = () => screen.getByRole('region', { name: 'Tickets' });
const rowSubjects = () =>
  within(tickets())
    .queryAllByRole('row')
    .slice(1)
    .map((row) => row.querySelector('.subject')?.textContent);

describe('urgent first', () => {
  beforeEach(() => window.history.replaceState(null, '', '#/'));

  it('counts the overdue and the due today, and each counter filters the list and again shows all', async () => {
    const user = userEvent.setup();
    const { calls } = await renderOnWednesday();
    const overdue = await screen.findByRole('button', { name: 'Vencidos 4' });
    const today = screen.getByRole('button', { name: 'Vencen hoy 1' });
    expect(overdue.getAttribute('aria-pressed')).toBe('false');
    // Most urgent first by default: the four overdue, the one due today last.
    await waitFor(() => expect(rowSubjects()).toHaveLength(5));
    expect(rowSubjects()[4]).toBe('Cambio de Contraseña en Router Wifi');
    expect(calls.find((c) => c.path === 'tickets.list')?.input).toMatchObject({ sort: 'urgent' });

    await user.click(today);
    await waitFor(() => expect(rowSubjects()).toEqual(['Cambio de Contraseña en Router Wifi']));
    expect(today.getAttribute('aria-pressed')).toBe('true');
    expect(window.location.hash).toBe('#/?vence=today');
    expect(
      (within(tickets()).getByRole('combobox', { name: 'Vencimiento' }) as HTMLSelectElement).value,
    ).toBe('today');

    await user.click(today);
    await waitFor(() => expect(rowSubjects()).toHaveLength(5));
    expect(window.location.hash).toBe('#/');
  });

  it('shows overdue counts on the zone tiles, and a tile filters the list by its zone', async () => {
    const user = userEvent.setup();
    await renderOnWednesday();
    const board = await screen.findByRole('region', { name: 'Tablero de zonas' });
    const centro = (await within(board).findByText('3 vencidos')).closest('li') as HTMLElement;
    expect(within(centro).getByText('Centro')).toBeTruthy();
    const norte = within(board).getByText('1 vencido').closest('li') as HTMLElement;

    await user.click(within(norte).getByRole('button', { name: 'Ver los tickets de Norte' }));
    await waitFor(() =>
      expect(rowSubjects()).toEqual(['Internet Lento', 'Cambio de Contraseña en Router Wifi']),
    );
    expect(
      within(norte).getByRole('button', { name: 'Ver los tickets de Norte' }).getAttribute('aria-pressed'),
    ).toBe('true');
    // The counters follow the list's filters: Norte's.
    expect(await screen.findByRole('button', { name: 'Vencidos 1' })).toBeTruthy();
  });

  it('orders the list as asked: by priority, the highest first', async () => {
    const user = userEvent.setup();
    const { calls } = await renderOnWednesday();
    await waitFor(() => expect(rowSubjects()).toHaveLength(5));
    await user.selectOptions(within(tickets()).getByRole('combobox', { name: 'Ordenar por' }), 'priority');
    await waitFor(() => expect(rowSubjects()[0]).toBe('Falla Masiva'));
    expect(calls.findLast((c) => c.path === 'tickets.list')?.input).toMatchObject({ sort: 'priority' });
    expect(window.location.hash).toBe('#/?orden=priority');
  });

  it("finds tickets by the customer's name, without accents, and shows each row's customer", async () => {
    const user = userEvent.setup();
    const { calls } = await renderOnWednesday();
    await waitFor(() => expect(rowSubjects()).toHaveLength(5));
    expect(within(tickets()).getAllByText('Luis Pérez')).toHaveLength(3);
    await user.type(within(tickets()).getByRole('searchbox', { name: 'Buscar' }), 'munoz');
    await waitFor(() => expect(rowSubjects()).toEqual(['Cambio de Contraseña en Router Wifi']));
    expect(within(tickets()).getByText('Camilo Muñoz')).toBeTruthy();
    expect(calls.findLast((c) => c.path === 'tickets.list')?.input).toMatchObject({ q: 'munoz' });

    await user.clear(within(tickets()).getByRole('searchbox', { name: 'Buscar' }));
    await user.type(within(tickets()).getByRole('searchbox', { name: 'Buscar' }), 'zzz');
    expect(await within(tickets()).findByText('Ningún ticket coincide con “zzz”.')).toBeTruthy();
  });

  it('filters the list by technician', async () => {
    const user = userEvent.setup();
    await renderOnWednesday(async (admin) => {
      unwrap(await admin.technicians.save.mutate({ technician_id: 7, name: 'Rosa Díaz' }));
      const [first] = unwrap(await admin.tickets.list.query({ q: 'munoz' })).tickets;
      unwrap(await admin.tickets.update.mutate({ ticket_id: first?.ticket_id ?? 0, technician_id: 7 }));
    });
    await waitFor(() => expect(rowSubjects()).toHaveLength(5));
    const filter = within(tickets()).getByRole('combobox', { name: 'Técnico' });
    await user.selectOptions(filter, await within(filter).findByRole('option', { name: 'Rosa Díaz' }));
    expect(window.location.hash).toBe('#/?tecnico=7');
    await waitFor(() => expect(rowSubjects()).toEqual(['Cambio de Contraseña en Router Wifi']));
    expect(within(tickets()).getByRole('cell', { name: 'Rosa Díaz' })).toBeTruthy();
  });
});
