import type { ReactNode } from 'react';
import type { NamedZoneCapacity } from '../api.js';

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

export interface ZoneBoardProps {
  readonly zones: readonly NamedZoneCapacity[];
  readonly complete?: boolean;
  readonly loading?: boolean;
  readonly error?: string | null;
}

/** Every zone with its load; blocked zones (at their limit) marked. */
export function ZoneBoard({
  zones,
  complete = true,
  loading = false,
  error = null,
}: ZoneBoardProps): ReactNode {
  const blocked = zones.filter((z) => z.is_blocked).length;
  return (
    <section className="panel board" aria-labelledby="board-title">
      <div className="panel-head">
        <h2 id="board-title">Tablero de zonas</h2>
        {zones.length > 0 && (
          <p className="panel-note">
            {zones.length === 1 ? '1 zona' : `${zones.length} zonas`}
            {blocked > 0 && ` · ${blocked === 1 ? '1 bloqueada' : `${blocked} bloqueadas`}`}
          </p>
        )}
      </div>
      {error !== null && (
        <p className="notice error" role="alert">
          No se pudo cargar el tablero: {error}
        </p>
      )}
      {loading && zones.length === 0 && <p className="muted">Cargando zonas…</p>}
      {!loading && error === null && zones.length === 0 && (
        <p className="muted">
          No hay zonas todavía. Créelas con la API (<code>PUT /api/v1/zones/:id</code>) o{' '}
          <code>pnpm tickets import zones</code>.
        </p>
      )}
      <ul className="zones">
        {zones.map((zone) => (
          <li key={zone.zone_id} className={zone.is_blocked ? 'zone blocked' : 'zone'}>
            <div className="zone-head">
              <span className="zone-name">{zone.name}</span>
              <span className="zone-id">#{zone.zone_id}</span>
              {zone.is_blocked && <span className="badge badge-blocked">Bloqueada</span>}
            </div>
            <ZoneMeter name={zone.name} active={zone.active_tickets} max={zone.max_tickets} />
          </li>
        ))}
      </ul>
      {!complete && <p className="muted">Se muestran las primeras {zones.length} zonas.</p>}
    </section>
  );
}
