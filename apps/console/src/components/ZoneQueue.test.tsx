import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { type Api, unwrap } from '../api.js';
import { renderConsole } from '../testing/console.js';

/** Two requests waiting in Centro's line (full with the seed's three tickets): #1 and #2. */
async function twoWaiting(admin: Api) {
  for (const subject of ['Internet Lento', 'No Tiene Internet']) {
    const reply = await admin.tickets.create.mutate({
      service_id: 100,
      zone_id: 1,
      technician_id: 5,
      subject,
      description: 'Sin servicio',
      queue_if_full: true,
    });
    expect(reply.action).toBe('ticket_queued');
  }
}

const centroTile = async () => {
  const board = await screen.findByRole('region', { name: 'Tablero de zonas' });
  return (await within(board).findByText('Centro')).closest('li') as HTMLElement;
};

describe("a zone's waiting line, on the board", () => {
  it('shows who waits, first in line first, and withdraws a request', async () => {
    const user = userEvent.setup();
    const { calls } = await renderConsole({ prepare: twoWaiting });
    const tile = await centroTile();
    const toggle = await within(tile).findByRole('button', { name: '2 en espera en Centro' });
    await user.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(toggle.getAttribute('aria-controls')).toBe('zone-1-queue');

    const line = await within(tile).findByRole('list', { name: 'Fila de espera de Centro' });
    expect(
      within(line)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual([
      '1. Internet Lento Servicio 100 · desde jue 26 feb 2026, 10:00 Retirar',
      '2. No Tiene Internet Servicio 100 · desde jue 26 feb 2026, 10:00 Retirar',
    ]);

    await user.click(within(line).getByRole('button', { name: 'Retirar la solicitud 1 de la fila' }));
    await waitFor(() =>
      expect(within(tile).getByRole('status').textContent).toBe('Solicitud #1 retirada de la fila.'),
    );
    expect(calls.filter((c) => c.path === 'queue.withdraw').map((c) => c.input)).toEqual([{ queue_id: 1 }]);
    await waitFor(() =>
      expect(
        within(line)
          .getAllByRole('listitem')
          .map((item) => item.querySelector('.queued-subject')?.textContent),
      ).toEqual(['1. No Tiene Internet']),
    );
    // The request's button is gone: the focus goes back to the line's button, which counts one now.
    expect(document.activeElement).toBe(toggle);
    await within(tile).findByRole('button', { name: '1 en espera en Centro' });

    // Shut, with nobody waiting, the tile says nothing of a line.
    await user.click(within(line).getByRole('button', { name: 'Retirar la solicitud 2 de la fila' }));
    await within(tile).findByText('Nadie espera en Centro.');
    await user.click(within(tile).getByRole('button', { name: '0 en espera en Centro' }));
    expect(within(tile).queryByRole('button', { name: /en espera/ })).toBeNull();
  });

  it('says so when the request was admitted before it could be withdrawn', async () => {
    const user = userEvent.setup();
    const { admin } = await renderConsole({ prepare: twoWaiting });
    const tile = await centroTile();
    await user.click(await within(tile).findByRole('button', { name: '2 en espera en Centro' }));
    const line = await within(tile).findByRole('list', { name: 'Fila de espera de Centro' });
    // Another dispatcher resolves a ticket: request #1 is admitted before the line is read again.
    unwrap(await admin.tickets.update.mutate({ ticket_id: 1, status: 3 }));
    const admitted = unwrap(await admin.queue.get.query({ queue_id: 1 }));

    await user.click(within(line).getByRole('button', { name: 'Retirar la solicitud 1 de la fila' }));
    await waitFor(() =>
      expect(within(tile).getByRole('status').textContent).toBe(
        `La solicitud #1 ya no espera: se admitió como ticket #${admitted.ticket_id}.`,
      ),
    );
    // And the list shows the ticket it became.
    const tickets = screen.getByRole('region', { name: 'Tickets' });
    await within(tickets).findByText(`#${admitted.ticket_id}`);
  });
});
