import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { unwrap } from '../api.js';
import { renderConsole } from '../testing/console.js';

describe("the technicians' workload", () => {
  beforeEach(() => window.history.replaceState(null, '', '#/'));

  it("shows each technician's open, in-progress and overdue tickets, and a name opens the list of theirs", async () => {
    const user = userEvent.setup();
    await renderConsole({
      prepare: async (admin, { ticket }) => {
        unwrap(await admin.tickets.update.mutate({ ticket_id: ticket.ticket_id, status: 2 }));
      },
    });
    const nav = await screen.findByRole('navigation', { name: 'Secciones' });
    await user.click(within(nav).getByRole('link', { name: 'Técnicos' }));
    expect(window.location.hash).toBe('#/tecnicos');
    const region = await screen.findByRole('region', { name: 'Carga de los técnicos' });
    const row = (await within(region).findByRole('link', { name: 'Ver los tickets de Ana Gómez' })).closest(
      'tr',
    ) as HTMLElement;
    expect(
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['4', '1', '0']);
    const pedro = within(region)
      .getByText(/Pedro Ruiz/)
      .closest('tr') as HTMLElement;
    expect(pedro.textContent).toContain('(inactivo)');
    expect(
      within(pedro)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['0', '0', '0']);
    expect(within(nav).getByRole('link', { name: 'Técnicos' }).getAttribute('aria-current')).toBe('page');

    await user.click(within(region).getByRole('link', { name: 'Ver los tickets de Ana Gómez' }));
    expect(window.location.hash).toBe('#/?tecnico=5');
    const list = await screen.findByRole('region', { name: 'Tickets' });
    expect((within(list).getByRole('combobox', { name: 'Técnico' }) as HTMLSelectElement).value).toBe('5');
  });
});

describe('a ticket being answered', () => {
  beforeEach(() => window.history.replaceState(null, '', '#/'));

  it('stays, with why, when someone else changes it or it leaves the list, and never overwrites their change', async () => {
    const user = userEvent.setup();
    const { admin, seeded, queryClient } = await renderConsole();
    const id = seeded.ticket.ticket_id;
    const list = await screen.findByRole('region', { name: 'Tickets' });
    await user.selectOptions(within(list).getByRole('combobox', { name: 'Estado' }), '1');
    const row = (await within(list).findByText('Internet Lento')).closest('tr') as HTMLElement;
    await user.click(within(row).getByRole('button', { name: `Responder el ticket ${id}` }));
    const form = screen.getByRole('form', { name: `Atender el ticket ${id}` });
    await user.type(
      within(form).getByRole('textbox', { name: 'Respuesta al cliente' }),
      'Se reinició la antena',
    );

    // Another dispatcher resolves it: it leaves the list of open tickets.
    unwrap(await admin.tickets.update.mutate({ ticket_id: id, status: 3 }));
    await queryClient.refetchQueries({ type: 'active' });
    await waitFor(() => expect(within(list).queryByText('Internet Lento')).toBeNull());
    const alert = within(list).getByText(
      new RegExp(`El ticket #${id} salió de la lista mientras usted lo atendía`),
    );
    expect(alert.getAttribute('role')).toBe('alert');
    const kept = screen.getByRole('form', { name: `Atender el ticket ${id}` });
    expect(
      (within(kept).getByRole('textbox', { name: 'Respuesta al cliente' }) as HTMLTextAreaElement).value,
    ).toBe('Se reinició la antena');
    await user.click(within(kept).getByRole('button', { name: 'Guardar' }));
    expect(await within(kept).findByText(/Otra persona cambió el ticket/)).toBeTruthy();
    expect(unwrap(await admin.tickets.get.query({ ticket_id: id })).answer_text).toBeNull();
  });

  it('says so in its row when someone else changes it while it is being answered', async () => {
    const user = userEvent.setup();
    const { admin, seeded, queryClient } = await renderConsole();
    const id = seeded.ticket.ticket_id;
    const list = await screen.findByRole('region', { name: 'Tickets' });
    const row = (await within(list).findByText('Internet Lento')).closest('tr') as HTMLElement;
    await user.click(within(row).getByRole('button', { name: `Responder el ticket ${id}` }));
    unwrap(await admin.tickets.update.mutate({ ticket_id: id, status: 2 }));
    await queryClient.refetchQueries({ type: 'active' });
    expect(
      await within(list).findByText(
        `Otra persona cambió el ticket #${id} mientras usted lo atendía: ahora está en progreso. Si guarda, se le mostrará el cambio; no se sobrescribe nada.`,
      ),
    ).toBeTruthy();
    expect(screen.getByRole('form', { name: `Atender el ticket ${id}` })).toBeTruthy();
  });
});
