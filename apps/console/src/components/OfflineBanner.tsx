import { type ReactNode, useEffect, useState } from 'react';
import { useConnection } from '../queries.js';

/** "hace 12 s", "hace 3 min", "hace 2 h": how long ago the data was read. */
export function agoText(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `hace ${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `hace ${minutes} min`;
  return `hace ${Math.floor(minutes / 60)} h`;
}

/** The time now, renewed every second while `ticking`. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

/**
 * While the server cannot be reached: a banner that says so (announced once) and how old the
 * data on screen is (renewed every second, not announced). Nothing while it answers.
 */
export function OfflineBanner(): ReactNode {
  const connection = useConnection();
  const now = useNow(!connection.online);
  if (connection.online) return null;
  return (
    <div className="offline">
      <p role="alert" className="offline-title">
        Sin conexión con el servidor. La consola reintenta sola cada pocos segundos.
      </p>
      <p className="offline-age">
        {connection.updatedAt === null
          ? 'Todavía no se han podido leer los datos.'
          : `Los datos en pantalla pueden estar desactualizados: actualizado ${agoText(now - connection.updatedAt)}.`}
      </p>
    </div>
  );
}
