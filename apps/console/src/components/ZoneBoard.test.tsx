import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { NETWORK_MESSAGE } from '../messages.js';
import { ZoneBoard } from './ZoneBoard.js';

const zones = [
  { zone_id: 1, name: 'Centro', active_tickets: 2, max_tickets: 2, is_blocked: true, waiting: 0, overdue: 0 },
  { zone_id: 2, name: 'Norte', active_tickets: 1, max_tickets: 3, is_blocked: false, waiting: 0, overdue: 0 },
  { zone_id: 3, name: 'Sur', active_tickets: 0, max_tickets: 3, is_blocked: false, waiting: 0, overdue: 0 },
];

describe('the zone board', () => {
  it('shows every zone with a labelled meter of its active tickets against its limit', () => {
    render(<ZoneBoard zones={zones} />);
    const board = screen.getByRole('region', { name: 'Tablero de zonas' });
    const items = within(board).getAllByRole('listitem');
    expect(items).toHaveLength(3);

    const norte = screen.getByRole('meter', { name: 'Tickets activos en Norte' });
    expect(norte.getAttribute('value')).toBe('1');
    expect(norte.getAttribute('max')).toBe('3');
    expect(norte.getAttribute('aria-valuetext')).toBe('1 de 3');
    expect(items[1]?.textContent).toContain('1/3');
  });

  it('marks full zones, and only those', () => {
    render(<ZoneBoard zones={zones} />);
    const [centro, norte, sur] = screen.getAllByRole('listitem');
    expect(within(centro as HTMLElement).getByText('Zona llena')).toBeTruthy();
    expect(centro?.className).toContain('full');
    expect(centro?.textContent).toContain('2/2');
    expect(within(norte as HTMLElement).queryByText('Zona llena')).toBeNull();
    expect(within(sur as HTMLElement).queryByText('Zona llena')).toBeNull();
    expect(screen.getByText('3 zonas · 1 llena')).toBeTruthy();
  });

  it("shows how many requests wait in a zone's line, only where some do", () => {
    render(<ZoneBoard zones={zones.map((z) => (z.zone_id === 1 ? { ...z, waiting: 2 } : z))} />);
    const [centro, norte, sur] = screen.getAllByRole('listitem');
    const waiting = within(centro as HTMLElement).getByRole('button', { name: '2 en espera en Centro' });
    expect(waiting.textContent).toBe('2 en espera en Centro');
    expect(waiting.getAttribute('aria-expanded')).toBe('false');
    expect(norte?.textContent).not.toContain('en espera');
    expect(sur?.textContent).not.toContain('en espera');
  });

  it('says when there are no zones yet, and when the board cannot be loaded', () => {
    const { rerender } = render(<ZoneBoard zones={[]} />);
    expect(screen.getByText(/No hay zonas todavía/).textContent).toBe(
      'No hay zonas todavía: pida a un administrador que las cargue.',
    );
    // A dispatcher is told whom to ask, not an API path or a command.
    expect(document.body.textContent).not.toMatch(/\/api|pnpm|PUT /);
    rerender(<ZoneBoard zones={[]} error={NETWORK_MESSAGE} />);
    expect(screen.getByRole('alert').textContent).toBe(
      'No se pudo cargar el tablero. No hay conexión con el servidor. Revise la red e intente de nuevo.',
    );
  });
});
