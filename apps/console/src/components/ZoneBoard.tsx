import { type ReactNode, useRef, useState } from 'react';
import type { NamedZoneCapacity } from '../api.js';
import { plural, waitingText } from '../labels.js';
import { ZoneQueue } from './ZoneQueue.js';

/** Active tickets against the limit: green with room, amber with one place left, red when full. */
export function ZoneMeter({ name, active, max }: { name: string; active: number; max: number }): ReactNode {
  return (
    <div className="meter">
      <meter
        min={0}
        max={max}
        value={Math.min(active, max)}
        low={Math.max(max - 1.5, 0.5)}
        high={Math.max(max - 0.5, 0.5)}
        optimum={0}
        aria-label={`Tickets activos en ${name}`}
        aria-valuetext={`${active} de ${max}`}
      />
      <span className="meter-text">
        {active}/{max}
      </span>
    </div>
  );
}

/**
 * A zone's tile: its name, its meter, and, when requests wait for a slot, how many, with a button
 * that shows its waiting line (and keeps it shown while open, even once the line is empty).
 */
function ZoneTile({
  zone,
  selected,
  onSelect,
}: {
  zone: NamedZoneCapacity;
  selected: boolean;
  onSelect: ((zoneId: number) => void) | undefined;
}): ReactNode {
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const lineId = `zone-${zone.zone_id}-queue`;
  return (
    <li className={`zone${zone.is_blocked ? ' full' : ''}${selected ? ' selected' : ''}`}>
      <div className="zone-head">
        {onSelect === undefined ? (
          <span className="zone-name">{zone.name}</span>
        ) : (
          <button
            type="button"
            className="link zone-filter"
            aria-pressed={selected}
            onClick={() => onSelect(zone.zone_id)}
          >
            <span className="sr-only">Ver los tickets de </span>
            <span className="zone-name">{zone.name}</span>
          </button>
        )}
        <span className="zone-id">#{zone.zone_id}</span>
        {zone.is_blocked && <span className="badge badge-full">Zona llena</span>}
      </div>
      {zone.overdue > 0 && (
        <span className="badge zone-overdue">{plural(zone.overdue, 'vencido', 'vencidos')}</span>
      )}
      <ZoneMeter name={zone.name} active={zone.active_tickets} max={zone.max_tickets} />
      {(zone.waiting > 0 || open) && (
        <button
          type="button"
          ref={toggle}
          className="link waiting"
          aria-expanded={open}
          aria-controls={open ? lineId : undefined}
          onClick={() => setOpen((shown) => !shown)}
        >
          {waitingText(zone.waiting)}
          <span className="sr-only"> en {zone.name}</span>
        </button>
      )}
      {open && (
        <ZoneQueue
          id={lineId}
          zoneId={zone.zone_id}
          zoneName={zone.name}
          returnFocus={() => toggle.current?.focus()}
        />
      )}
    </li>
  );
}

export interface ZoneBoardProps {
  readonly zones: readonly NamedZoneCapacity[];
  readonly complete?: boolean;
  readonly loading?: boolean;
  readonly error?: string | null;
  /** The zone the list shows, if it shows one. */
  readonly selected?: number;
  /** Shows a zone's tickets in the list (again all of them when it is the selected one). */
  readonly onSelect?: (zoneId: number) => void;
}

/** Every zone with its active tickets; full zones (at their limit) marked, with how many wait for a slot. */
export function ZoneBoard({
  zones,
  complete = true,
  loading = false,
  error = null,
  selected,
  onSelect,
}: ZoneBoardProps): ReactNode {
  const full = zones.filter((z) => z.is_blocked).length;
  return (
    <section className="panel board" aria-labelledby="board-title">
      <div className="panel-head">
        <h2 id="board-title">Tablero de zonas</h2>
        {zones.length > 0 && (
          <p className="panel-note">
            {zones.length === 1 ? '1 zona' : `${zones.length} zonas`}
            {full > 0 && ` · ${full === 1 ? '1 llena' : `${full} llenas`}`}
          </p>
        )}
      </div>
      {error !== null && (
        <p className="notice error" role="alert">
          No se pudo cargar el tablero. {error}
        </p>
      )}
      {loading && zones.length === 0 && <p className="muted">Cargando zonas…</p>}
      {!loading && error === null && zones.length === 0 && (
        <p className="muted">No hay zonas todavía: pida a un administrador que las cargue.</p>
      )}
      <ul className="zones">
        {zones.map((zone) => (
          <ZoneTile key={zone.zone_id} zone={zone} selected={selected === zone.zone_id} onSelect={onSelect} />
        ))}
      </ul>
      {!complete && <p className="muted">Se muestran las primeras {zones.length} zonas.</p>}
    </section>
  );
}
