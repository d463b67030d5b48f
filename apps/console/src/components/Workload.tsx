import type { ReactNode } from 'react';
import { useWorkload } from '../detail-queries.js';
import { errorText } from '../messages.js';
import { type ListView, routeHash } from '../route.js';

/**
 * Each technician's open, in-progress and overdue tickets, the busiest first; each name opens the
 * list filtered by that technician.
 */
export function Workload({ listView }: { readonly listView: ListView }): ReactNode {
  const workload = useWorkload();
  const rows = [...(workload.data?.items ?? [])].sort(
    (a, b) => b.overdue - a.overdue || b.open - a.open || a.name.localeCompare(b.name, 'es'),
  );
  return (
    <section className="panel workload" aria-labelledby="workload-title">
      <h2 id="workload-title">Carga de los técnicos</h2>
      {workload.isPending && <p className="muted">Cargando técnicos…</p>}
      {workload.isError && (
        <p className="notice error" role="alert">
          No se pudo cargar la carga de los técnicos. {errorText(workload.error)}
        </p>
      )}
      {workload.isSuccess && rows.length === 0 && (
        <p className="muted">No hay técnicos todavía: pida a un administrador que los cargue.</p>
      )}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="workload-table">
            <caption className="sr-only">Tickets de cada técnico, los más vencidos primero</caption>
            <thead>
              <tr>
                <th scope="col">Técnico</th>
                <th scope="col">Abiertos</th>
                <th scope="col">En progreso</th>
                <th scope="col">Vencidos</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((t) => (
                <tr key={t.technician_id} className={t.overdue > 0 ? 'overdue' : undefined}>
                  <th scope="row" data-label="Técnico">
                    <a
                      href={routeHash({
                        page: 'desk',
                        list: { sort: listView.sort, technician_id: t.technician_id },
                      })}
                      aria-label={`Ver los tickets de ${t.name}`}
                    >
                      {t.name}
                    </a>
                    {!t.active && <span className="muted small"> (inactivo)</span>}
                  </th>
                  <td data-label="Abiertos" className="num">
                    {t.open}
                  </td>
                  <td data-label="En progreso" className="num">
                    {t.in_progress}
                  </td>
                  <td data-label="Vencidos" className="num">
                    {t.overdue}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {workload.data?.complete === false && (
        <p className="muted">Se muestran los primeros {rows.length} técnicos.</p>
      )}
    </section>
  );
}
