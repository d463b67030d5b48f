import { type Api, type CreateTicketInput, type TicketView, unwrap } from '../api.js';

export interface Seeded {
  /** Norte's one ticket: Internet Lento on service 101, Ana Gómez's, as the server answered it. */
  readonly ticket: TicketView;
}

/**
 * What the console tests start from, made through the API: zones Centro (#1, full: 3 of 3) and
 * Norte (#2, 1 of 3), services 100 (Centro, Luis Pérez) and 101 (Norte, María José Rodríguez),
 * technicians 5 (Ana Gómez) and 6 (Pedro Ruiz, inactive), and the four tickets behind those loads.
 */
export async function seedDesk(admin: Api): Promise<Seeded> {
  unwrap(await admin.zones.save.mutate({ zone_id: 1, name: 'Centro' }));
  unwrap(await admin.zones.save.mutate({ zone_id: 2, name: 'Norte' }));
  unwrap(await admin.services.save.mutate({ service_id: 100, zone_id: 1, customer_name: 'Luis Pérez' }));
  unwrap(
    await admin.services.save.mutate({ service_id: 101, zone_id: 2, customer_name: 'María José Rodríguez' }),
  );
  unwrap(await admin.technicians.save.mutate({ technician_id: 5, name: 'Ana Gómez' }));
  unwrap(await admin.technicians.save.mutate({ technician_id: 6, name: 'Pedro Ruiz', active: false }));

  const open = async (input: CreateTicketInput) => {
    const reply = await admin.tickets.create.mutate(input);
    if (reply.action !== 'ticket_created') throw new Error(`seedDesk: ${reply.action}`);
    return reply.data;
  };
  const centro = { service_id: 100, zone_id: 1, technician_id: 5 };
  await open({ ...centro, subject: 'Falla Masiva', description: 'Sin servicio en la cuadra' });
  await open({ ...centro, subject: 'No Tiene Internet', description: 'Caído desde anoche' });
  await open({ ...centro, subject: 'Antena Dañada', description: 'Se cayó con el viento' });
  const ticket = await open({
    service_id: 101,
    zone_id: 2,
    technician_id: 5,
    subject: 'Internet Lento',
    description: 'Velocidad muy baja',
  });
  return { ticket };
}
