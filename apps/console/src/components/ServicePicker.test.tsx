import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { Service } from '../api.js';
import { matchServices, ServicePicker } from './ServicePicker.js';

const services: Service[] = Array.from({ length: 5_000 }, (_, i) => ({
  service_id: 1_000 + i,
  zone_id: 1 + (i % 12),
  customer_name: i === 4_321 ? 'Camilo Muñoz' : `Cliente ${i}`,
}));

function Picker({ onChange }: { onChange: (value: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <>
      <label htmlFor="s">Servicio</label>
      <ServicePicker
        id="s"
        services={services}
        value={value}
        onChange={(next) => {
          setValue(next);
          onChange(next);
        }}
        describe={(s) => `${s.service_id} · ${s.customer_name ?? 'sin nombre'}`}
      />
    </>
  );
}

describe('the service picker', () => {
  it('matches a number from its first digits and a name anywhere, without case or accents', () => {
    expect(matchServices(services, '5321').map((s) => s.service_id)).toEqual([5_321]);
    expect(matchServices(services, 'MUNOZ').map((s) => s.customer_name)).toEqual(['Camilo Muñoz']);
    expect(matchServices(services, '100')).toHaveLength(10);
    expect(matchServices(services, 'nadie')).toEqual([]);
  });

  it('is a combobox: typing lists at most 50 matches, arrows move through them, Enter chooses, Escape closes', async () => {
    const user = userEvent.setup();
    const chosen: string[] = [];
    render(<Picker onChange={(v) => chosen.push(v)} />);
    const box = screen.getByRole('combobox', { name: 'Servicio' });
    await user.type(box, '1');
    const listbox = screen.getByRole('listbox', { name: 'Coincidencias' });
    expect(within(listbox).getAllByRole('option')).toHaveLength(50);
    expect(screen.getByText('1000 servicios coinciden; se muestran 50: siga escribiendo.')).toBeTruthy();
    await user.type(box, 'muñ');
    expect(box.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByText('Ningún servicio coincide.')).toBeTruthy();
    await user.clear(box);
    await user.type(box, 'muñ');
    const [only] = within(listbox).getAllByRole('option');
    expect(only?.textContent).toBe('5321 · Camilo Muñoz');
    expect(box.getAttribute('aria-activedescendant')).toBe(only?.id);
    await user.keyboard('{Enter}');
    expect(chosen.at(-1)).toBe('5321');
    expect((box as HTMLInputElement).value).toBe('5321 · Camilo Muñoz');
    expect(box.getAttribute('aria-expanded')).toBe('false');

    await user.clear(box);
    await user.type(box, '104');
    await user.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    expect(chosen.at(-1)).toBe('1042');
    await user.type(box, '2');
    await user.keyboard('{Escape}');
    expect(box.getAttribute('aria-expanded')).toBe('false');
  });
});
