import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { defaultHandlers, renderConsole, ticket } from './testing/console.js';
import { envelope, type Handler } from './testing/fake-trpc.js';

const KEY = 'ops-key-0123456789abcdef';

/** Every procedure of the default server, answering UNAUTHORIZED without the right key. */
const locked = Object.fromEntries(
  Object.entries(defaultHandlers).map(([path, handler]): [string, Handler] => [
    path,
    (input, call) =>
      call.headers.authorization === `Api-Key ${KEY}` ? handler(input, call) : { error: 'UNAUTHORIZED' },
  ]),
);

describe('the console', () => {
  it('asks for an API key when the server wants one, keeps it for the session and sends it on every call', async () => {
    const user = userEvent.setup();
    const { calls } = renderConsole(locked);

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
    renderConsole(locked);
    expect(await screen.findByText('Internet Lento')).toBeTruthy();
    expect(screen.queryByLabelText('Clave de API')).toBeNull();
    expect(screen.getByRole('button', { name: 'Salir' })).toBeTruthy();
  });

  it('shows no key prompt and no "Salir" when the API is open', async () => {
    renderConsole();
    expect(await screen.findByText('Internet Lento')).toBeTruthy();
    expect(screen.queryByLabelText('Clave de API')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Salir' })).toBeNull();
  });

  it('resolves a ticket in place: status and answer, then says so', async () => {
    const user = userEvent.setup();
    const { calls } = renderConsole({
      'tickets.updateStatus': (input) => ({
        data: envelope('ticket_updated', {
          ...ticket,
          ...(input as object),
          status: 3,
          status_ticket: 'Resuelto',
        }),
      }),
    });
    const list = await screen.findByRole('region', { name: 'Tickets' });
    const row = (await within(list).findByText('Internet Lento')).closest('tr') as HTMLElement;
    expect(within(row).getByText('Ana Gómez')).toBeTruthy();
    expect(within(row).getByText('2 días hábiles')).toBeTruthy();
    expect(within(row).getByText('Norte · servicio 101')).toBeTruthy();

    const respond = within(row).getByRole('button', { name: 'Responder el ticket 7' });
    await user.click(respond);
    expect(respond.getAttribute('aria-expanded')).toBe('true');
    const form = screen.getByRole('form', { name: 'Atender el ticket 7' });
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
        'Ticket #7 guardado: Resuelto, con respuesta.',
      ),
    );
    expect(calls.find((c) => c.path === 'tickets.updateStatus')?.input).toEqual({
      ticket_id: 7,
      status: 3,
      answer_text: 'Se cambió el router',
    });
    expect(screen.queryByRole('form', { name: 'Atender el ticket 7' })).toBeNull();
    expect(document.activeElement).toBe(respond);
  });
});
