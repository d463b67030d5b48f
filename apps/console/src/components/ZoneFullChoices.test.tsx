import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { type Api, unwrap } from '../api.js';
import { renderConsole } from '../testing/console.js';
import { fillForm, form } from '../testing/form.js';

const sameFault = () => form().getByRole('group', { name: '¿Es la misma falla?' });
const waitInLine = () => form().getByRole('group', { name: 'Dejar en espera' });
/** Where the form says how a ticket went (a live region; the zone's `<output>` is a status too). */
const formStatus = () => document.querySelector('.new-ticket .result[role="status"]') as HTMLElement;

/** Centro's tickets as the seed opened them: #1 Falla Masiva, #2 No Tiene Internet, #3 Antena Dañada. */
async function centroTickets(admin: Api) {
  return unwrap(await admin.tickets.list.query({ zone_id: 1 })).tickets;
}

/** A second customer in Centro, recorded on ticket #2 before the console renders. */
async function neighbourOnTicket2(admin: Api) {
  unwrap(await admin.services.save.mutate({ service_id: 102, zone_id: 1, customer_name: 'Rosa Díaz' }));
  unwrap(
    await admin.tickets.addAffected.mutate({ ticket_id: 2, service_id: 102, description: 'También caído' }),
  );
}

/** Sends the form for service 100 (Centro, full) and waits for the refusal's choices. */
async function refusedInCentro(user: ReturnType<typeof userEvent.setup>) {
  await fillForm(user, '100', 'Sin internet, como los vecinos');
  await user.click(form().getByRole('button', { name: 'Crear ticket' }));
  await form().findByRole('group', { name: '¿Es la misma falla?' });
}

describe("a full zone's refusal, in the form", () => {
  it("offers the zone's active tickets for the same fault, and a place in its line, and takes the focus", async () => {
    const user = userEvent.setup();
    await renderConsole({ prepare: neighbourOnTicket2 });
    await refusedInCentro(user);

    // The refusal with max_tickets is still said.
    expect(form().getByRole('alert').textContent).toContain('máximo de 3 tickets activos');
    const heading = within(sameFault()).getByRole('heading', { name: '¿Es la misma falla?' });
    await waitFor(() => expect(document.activeElement).toBe(heading));

    const list = within(sameFault()).getByRole('list', { name: 'Tickets activos de Centro' });
    const items = within(list).getAllByRole('listitem');
    // Newest first, each with its number, subject, time and how many customers it has.
    expect(items.map((item) => item.querySelector('.active-ticket')?.textContent)).toEqual([
      '#3 Antena Dañada jue 26 feb 2026, 10:00 · 0 afectados',
      '#2 No Tiene Internet jue 26 feb 2026, 10:00 · 1 afectado',
      '#1 Falla Masiva jue 26 feb 2026, 10:00 · 0 afectados',
    ]);
    for (const id of [3, 2, 1]) {
      expect(within(list).getByRole('button', { name: `Agregar cliente al ticket ${id}` })).toBeTruthy();
    }
    const queue = within(waitInLine()).getByRole('button', { name: 'Dejar en espera' });
    expect(queue.getAttribute('aria-describedby')).toBe('queue-hint');
    expect(document.getElementById('queue-hint')?.textContent).toBe(
      'El ticket se crea solo, en orden de llegada, en cuanto Centro tenga cupo. Nadie espera todavía.',
    );
  });

  it('records the customer on the ticket with the same fault, says how many are affected now, and clears the form', async () => {
    const user = userEvent.setup();
    const { admin, calls } = await renderConsole({ prepare: neighbourOnTicket2 });
    await refusedInCentro(user);

    await user.click(within(sameFault()).getByRole('button', { name: 'Agregar cliente al ticket 2' }));
    await waitFor(() =>
      expect(formStatus().textContent).toBe('Cliente agregado al ticket #2: ahora son 2 afectados.'),
    );
    expect(calls.filter((c) => c.path === 'tickets.addAffected').map((c) => c.input)).toEqual([
      { ticket_id: 2, service_id: 100, description: 'Sin internet, como los vecinos' },
    ]);
    const recorded = unwrap(await admin.tickets.affected.query({ ticket_id: 2 })).affected;
    expect(recorded.map((a) => [a.service_id, a.description])).toEqual(
      expect.arrayContaining([
        [102, 'También caído'],
        [100, 'Sin internet, como los vecinos'],
      ]),
    );
    expect(recorded).toHaveLength(2);
    // No ticket was opened: Centro still has its three.
    expect(await centroTickets(admin)).toHaveLength(3);

    // Done with this customer: the choices go, the form is ready for the next, as after a create.
    expect(form().queryByRole('group', { name: '¿Es la misma falla?' })).toBeNull();
    expect(form().queryByRole('alert')).toBeNull();
    expect((form().getByRole('combobox', { name: 'Asunto' }) as HTMLSelectElement).value).toBe('');
    expect((form().getByRole('textbox', { name: 'Descripción' }) as HTMLTextAreaElement).value).toBe('');
    expect(document.activeElement).toBe(form().getByRole('button', { name: 'Crear ticket' }));

    // And the list counts them.
    const tickets = screen.getByRole('region', { name: 'Tickets' });
    const row = (await within(tickets).findByText('No Tiene Internet')).closest('tr') as HTMLElement;
    await within(row).findByText('2 afectados');
  });

  it('says so when the ticket stopped being active meanwhile, and offers it no more', async () => {
    const user = userEvent.setup();
    const { admin } = await renderConsole();
    await refusedInCentro(user);
    // Another dispatcher resolves ticket #3 after the refusal listed it.
    unwrap(await admin.tickets.update.mutate({ ticket_id: 3, status: 3 }));

    await user.click(within(sameFault()).getByRole('button', { name: 'Agregar cliente al ticket 3' }));
    const alert = await within(
      form().getByRole('group', { name: '¿Es la misma falla?' }).parentElement as HTMLElement,
    ).findByText(/^El ticket #3 ya no está activo/);
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent).toBe(
      'El ticket #3 ya no está activo: se resolvió o se cerró mientras tanto. Si la zona ya tiene cupo, cree el ticket.',
    );
    expect(within(sameFault()).queryByRole('button', { name: 'Agregar cliente al ticket 3' })).toBeNull();
    expect(within(sameFault()).getAllByRole('listitem')).toHaveLength(2);
    // The button that had the focus is gone: the focus goes back to the choices.
    await waitFor(() =>
      expect(document.activeElement).toBe(
        within(sameFault()).getByRole('heading', { name: '¿Es la misma falla?' }),
      ),
    );
    // The customer's text stays, to create the ticket now that Centro has room.
    expect((form().getByRole('textbox', { name: 'Descripción' }) as HTMLTextAreaElement).value).toBe(
      'Sin internet, como los vecinos',
    );
  });

  it("words a service that moved to another zone beside the form's field", async () => {
    const user = userEvent.setup();
    const { admin } = await renderConsole();
    await refusedInCentro(user);
    unwrap(await admin.services.save.mutate({ service_id: 100, zone_id: 2, customer_name: 'Luis Pérez' }));

    await user.click(within(sameFault()).getByRole('button', { name: 'Agregar cliente al ticket 1' }));
    expect((await within(sameFault().parentElement as HTMLElement).findByRole('alert')).textContent).toBe(
      'No se agregó el cliente. El servicio pertenece a otra zona.',
    );
    expect(document.getElementById('f-service_id-error')?.textContent).toBe(
      'El servicio pertenece a otra zona.',
    );
  });

  it("leaves the ticket waiting in the zone's line, with its position, until a slot frees", async () => {
    const user = userEvent.setup();
    const { admin, calls, queryClient } = await renderConsole({
      // Someone already waits in Centro's line.
      prepare: async (admin) => {
        const reply = await admin.tickets.create.mutate({
          service_id: 100,
          zone_id: 1,
          technician_id: 5,
          subject: 'Internet Lento',
          description: 'Lento desde ayer',
          queue_if_full: true,
        });
        expect(reply.action).toBe('ticket_queued');
      },
    });
    await refusedInCentro(user);
    expect(document.getElementById('queue-hint')?.textContent).toContain('Ya espera 1 solicitud.');

    await user.click(within(waitInLine()).getByRole('button', { name: 'Dejar en espera' }));
    await waitFor(() =>
      expect(formStatus().textContent).toBe(
        'En espera: posición 2 en la fila de la zona Centro. Solicitud #2. El ticket se crea solo cuando se libere un cupo.',
      ),
    );
    const creates = calls.filter((c) => c.path === 'tickets.create');
    expect(creates.map((c) => c.input)).toEqual([
      {
        service_id: 100,
        zone_id: 1,
        technician_id: 5,
        subject: 'Falla Masiva',
        description: 'Sin internet, como los vecinos',
      },
      {
        service_id: 100,
        zone_id: 1,
        technician_id: 5,
        subject: 'Falla Masiva',
        description: 'Sin internet, como los vecinos',
        queue_if_full: true,
      },
    ]);
    // Another request than the refused one: a key of its own.
    expect(creates[1]?.headers['idempotency-key']).toMatch(/^console-[0-9a-f]{32}$/);
    expect(creates[1]?.headers['idempotency-key']).not.toBe(creates[0]?.headers['idempotency-key']);
    expect(unwrap(await admin.queue.get.query({ queue_id: 2 }))).toMatchObject({
      zone_id: 1,
      state: 'waiting',
      position: 2,
      description: 'Sin internet, como los vecinos',
    });

    // Cleared for the next customer; the board and the form's capacity count who waits.
    expect(form().queryByRole('group', { name: 'Dejar en espera' })).toBeNull();
    expect((form().getByRole('textbox', { name: 'Descripción' }) as HTMLTextAreaElement).value).toBe('');
    expect(document.activeElement).toBe(form().getByRole('button', { name: 'Crear ticket' }));
    const board = screen.getByRole('region', { name: 'Tablero de zonas' });
    await within(board).findByRole('button', { name: '2 en espera en Centro' });
    await form().findByText('3 de 3 tickets activos: zona llena, no admite tickets nuevos · 2 en espera');

    // Two tickets resolved: both requests are admitted, first in first out, and the notice says so.
    for (const id of [1, 2]) unwrap(await admin.tickets.update.mutate({ ticket_id: id, status: 3 }));
    await queryClient.invalidateQueries();
    const admitted = unwrap(await admin.queue.get.query({ queue_id: 2 }));
    expect(admitted.state).toBe('admitted');
    await waitFor(() =>
      expect(formStatus().textContent).toBe(
        `Solicitud #2 admitida: ticket #${admitted.ticket_id} creado. Se liberó un cupo en la zona Centro.`,
      ),
    );
  });
});
