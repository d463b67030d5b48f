import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ApiKey } from '@tickets/api';
import { describe, expect, it } from 'vitest';
import { unwrap } from './api.js';
import { renderConsole } from './testing/console.js';

const KEY = 'ops-key-0123456789abcdef';

/** The server with `API_KEYS` set to one admin key: every call needs it. */
const locked: readonly ApiKey[] = [{ name: 'ops', key: KEY, scope: 'admin' }];

describe('the console', () => {
  it('asks for an API key when the server wants one, keeps it for the session and sends it on every call', async () => {
    const user = userEvent.setup();
    const { calls } = await renderConsole({ keys: locked });

    const keyInput = await screen.findByLabelText('Clave de API');
    expect(screen.queryByRole('region', { name: 'Tablero de zonas' })).toBeNull();
    await user.type(keyInput, 'wrong-key-0000000000');
    await user.click(screen.getByRole('button', { name: 'Entrar' }));
    expect((await screen.findByRole('alert')).textContent).toContain('La clave no es válida');

    await user.type(screen.getByLabelText('Clave de API'), KEY);
    await user.click(screen.getByRole('button', { name: 'Entrar' }));
    const board = await screen.findByRole('region', { name: 'Tablero de zonas' });
    expect(await within(board).findByText('Centro')).toBeTruthy();
    expect(sessionStorage.getItem('tickets.apiKey')).toBe(KEY);

    const sinceLogin = calls.slice(
      calls.findLastIndex((c) => c.headers.authorization !== `Api-Key ${KEY}`) + 1,
    );
    expect(sinceLogin.length).toBeGreaterThan(3);
    expect(sinceLogin.every((c) => c.headers.authorization === `Api-Key ${KEY}`)).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Salir' }));
    expect(sessionStorage.getItem('tickets.apiKey')).toBeNull();
    expect(await screen.findByLabelText('Clave de API')).toBeTruthy();
  });

  it('uses a key already kept in this session without asking', async () => {
    sessionStorage.setItem('tickets.apiKey', KEY);
    await renderConsole({ keys: locked });
    expect(
      await within(await screen.findByRole('region', { name: 'Tickets' })).findByText('Internet Lento'),
    ).toBeTruthy();
    expect(screen.queryByLabelText('Clave de API')).toBeNull();
    expect(screen.getByRole('button', { name: 'Salir' })).toBeTruthy();
  });

  it('shows no key prompt and no "Salir" when the API is open', async () => {
    await renderConsole();
    expect(
      await within(await screen.findByRole('region', { name: 'Tickets' })).findByText('Internet Lento'),
    ).toBeTruthy();
    expect(screen.queryByLabelText('Clave de API')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Salir' })).toBeNull();
  });

  it('resolves a ticket in place: status and answer, then says so', async () => {
    const user = userEvent.setup();
    const { calls, admin, seeded } = await renderConsole();
    const id = seeded.ticket.ticket_id;
    const list = await screen.findByRole('region', { name: 'Tickets' });
    const row = (await within(list).findByText('Internet Lento')).closest('tr') as HTMLElement;
    expect(within(row).getByText('Ana Gómez')).toBeTruthy();
    // Opened on the desk's clock, Thursday 10:00, due Tuesday 10:00: Friday, Monday and Tuesday left.
    expect(within(row).getByText('3 días hábiles')).toBeTruthy();
    expect(within(row).getByText('Norte · servicio 101')).toBeTruthy();

    const respond = within(row).getByRole('button', { name: `Responder el ticket ${id}` });
    await user.click(respond);
    expect(respond.getAttribute('aria-expanded')).toBe('true');
    const form = screen.getByRole('form', { name: `Atender el ticket ${id}` });
    const status = within(form).getByRole('combobox', { name: 'Estado' });
    await waitFor(() => expect(document.activeElement).toBe(status));
    await user.selectOptions(status, '3');
    await user.type(
      within(form).getByRole('textbox', { name: 'Respuesta al cliente' }),
      'Se cambió el router',
    );
    await user.click(within(form).getByRole('button', { name: 'Guardar' }));

    await waitFor(() =>
      expect(within(list).getByRole('status').textContent).toBe(
        `Ticket #${id} guardado: Resuelto, con respuesta.`,
      ),
    );
    expect(calls.find((c) => c.path === 'tickets.update')?.input).toEqual({
      ticket_id: id,
      status: 3,
      answer_text: 'Se cambió el router',
      expected_version: seeded.ticket.version,
    });
    expect(unwrap(await admin.tickets.get.query({ ticket_id: id }))).toMatchObject({
      status: 3,
      status_ticket: 'Resuelto',
      answer_text: 'Se cambió el router',
    });
    expect(screen.queryByRole('form', { name: `Atender el ticket ${id}` })).toBeNull();
    expect(document.activeElement).toBe(respond);
  });

  it("shows how many customers share each ticket's fault, only where some do", async () => {
    await renderConsole({
      prepare: async (admin, seeded) => {
        for (const service_id of [103, 104]) {
          unwrap(await admin.services.save.mutate({ service_id, zone_id: 2 }));
          unwrap(
            await admin.tickets.addAffected.mutate({
              ticket_id: seeded.ticket.ticket_id,
              service_id,
              description: 'También lento',
            }),
          );
        }
      },
    });
    const list = await screen.findByRole('region', { name: 'Tickets' });
    const row = (await within(list).findByText('Internet Lento')).closest('tr') as HTMLElement;
    expect(within(row).getByText('2 afectados').className).toBe('badge affected');
    const others = within(list)
      .getAllByRole('row')
      .filter((r) => r !== row && r.querySelector('td') !== null);
    expect(others).toHaveLength(3);
    for (const other of others) expect(other.textContent).not.toContain('afectado');
  });

  it.each([
    ['3 and 4 (the default)', undefined, '—'],
    ['only 4', [4] as const, '3 días hábiles'],
  ])(
    'counts days left on a resolved ticket only when its status is not done, as DONE_TICKET_STATES is %s',
    async (_name, doneStatuses, shown) => {
      await renderConsole({
        desk: doneStatuses === undefined ? {} : { doneStatuses: [...doneStatuses] },
        prepare: async (admin, seeded) => {
          unwrap(await admin.tickets.update.mutate({ ticket_id: seeded.ticket.ticket_id, status: 3 }));
        },
      });
      const list = await screen.findByRole('region', { name: 'Tickets' });
      const row = (await within(list).findByText('Internet Lento')).closest('tr') as HTMLElement;
      expect(within(row).getByText('Resuelto')).toBeTruthy();
      // The statuses' meanings come with the first batch of queries.
      await waitFor(() => expect(row.querySelector('.days')?.textContent).toBe(shown));
    },
  );
});
