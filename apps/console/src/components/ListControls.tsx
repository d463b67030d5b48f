import { type ReactNode, useEffect, useState } from 'react';
import type { TicketStatus } from '../api.js';
import { statuses, statusLabels } from '../labels.js';
import { useTechnicians, useZoneCapacities } from '../queries.js';
import { type DueFilter, type ListView, navigate, type TicketSort } from '../route.js';

/** The list's orders as the dispatcher picks them, the most urgent first (the default). */
export const sortLabels: Record<TicketSort, string> = {
  urgent: 'Más urgentes',
  due: 'Fecha de vencimiento',
  priority: 'Prioridad',
  newest: 'Más recientes',
};

export const dueLabels: Record<DueFilter, string> = { overdue: 'Vencidos', today: 'Vencen hoy' };

/** One of the list's choices: `all` (the value '') or one of `options`. */
function Choice({
  id,
  label,
  all,
  options,
  value,
  onChange,
}: {
  readonly id: string;
  readonly label: string;
  /** What the choice of all is called; none when one option must be chosen. */
  readonly all?: string;
  readonly options: readonly { readonly value: string; readonly label: string }[];
  readonly value: string;
  readonly onChange: (value: string) => void;
}): ReactNode {
  return (
    <div className="field inline">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        {all !== undefined && <option value="">{all}</option>}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

const numberOr = (value: string): number | undefined => (value === '' ? undefined : Number(value));

/** Goes to the desk with the list's view changed; `replace` for typing, which should not pile up history. */
export function showList(view: ListView, replace = false): void {
  navigate({ page: 'desk', list: view }, { replace });
}

/**
 * The list's search (ticket number, customer name or service number, answered by the server), its
 * filters and its order; each change is kept in the address, so back undoes it.
 */
export function ListControls({ view }: { readonly view: ListView }): ReactNode {
  const zones = useZoneCapacities();
  const technicians = useTechnicians();
  const [search, setSearch] = useState(view.q ?? '');
  // Another way to the list (a tile, a counter, back) changes the search too.
  useEffect(() => setSearch(view.q ?? ''), [view.q]);
  // The server is asked once typing pauses.
  useEffect(() => {
    const q = search.trim();
    if (q === (view.q ?? '')) return;
    const timer = setTimeout(() => showList({ ...view, q: q === '' ? undefined : q }, true), 300);
    return () => clearTimeout(timer);
  }, [search, view]);
  const set = (change: Partial<ListView>) => showList({ ...view, ...change });
  return (
    <div className="list-controls">
      <search className="field search">
        <label htmlFor="list-search">Buscar</label>
        <input
          id="list-search"
          type="search"
          maxLength={200}
          value={search}
          placeholder="Ticket, cliente o servicio"
          aria-describedby="list-search-hint"
          onChange={(event) => setSearch(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              const q = search.trim();
              showList({ ...view, q: q === '' ? undefined : q }, true);
            }
          }}
        />
        <span id="list-search-hint" className="sr-only">
          Número de ticket, nombre del cliente o número de servicio
        </span>
      </search>
      <fieldset className="filters">
        <legend className="sr-only">Filtrar y ordenar la lista</legend>
        <Choice
          id="filter-zone"
          label="Zona"
          all="Todas"
          options={(zones.data?.items ?? []).map((zone) => ({
            value: String(zone.zone_id),
            label: zone.name,
          }))}
          value={view.zone_id === undefined ? '' : String(view.zone_id)}
          onChange={(value) => set({ zone_id: numberOr(value) })}
        />
        <Choice
          id="filter-status"
          label="Estado"
          all="Todos"
          options={statuses.map((s) => ({ value: String(s), label: statusLabels[s] }))}
          value={view.status === undefined ? '' : String(view.status)}
          onChange={(value) => set({ status: numberOr(value) as TicketStatus | undefined })}
        />
        <Choice
          id="filter-technician"
          label="Técnico"
          all="Todos"
          options={(technicians.data?.items ?? []).map((t) => ({
            value: String(t.technician_id),
            label: t.active ? t.name : `${t.name} (inactivo)`,
          }))}
          value={view.technician_id === undefined ? '' : String(view.technician_id)}
          onChange={(value) => set({ technician_id: numberOr(value) })}
        />
        <Choice
          id="filter-due"
          label="Vencimiento"
          all="Todos"
          options={(['overdue', 'today'] as const).map((due) => ({ value: due, label: dueLabels[due] }))}
          value={view.due ?? ''}
          onChange={(value) => set({ due: value === '' ? undefined : (value as DueFilter) })}
        />
        <Choice
          id="list-sort"
          label="Ordenar por"
          options={(Object.keys(sortLabels) as TicketSort[]).map((sort) => ({
            value: sort,
            label: sortLabels[sort],
          }))}
          value={view.sort}
          onChange={(value) => set({ sort: value as TicketSort })}
        />
      </fieldset>
    </div>
  );
}
