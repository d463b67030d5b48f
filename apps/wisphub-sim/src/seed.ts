import type { Client, Technician, Zone } from './types.js';

/** Every 97th client (97, 194, …) has no zone. */
export const NO_ZONE_EVERY = 97;
/** Every 89th client (89, 178, …) has no technician. */
export const NO_TECHNICIAN_EVERY = 89;

/** Zone n is "Zona n". */
export const seedZone = (id: number): Zone => ({ id, nombre: `Zona ${id}` });

/** Technician n is "Técnico n". */
export const seedTechnician = (id: number): Technician => ({ id, nombre: `Técnico ${id}` });

/** Technicians 1..count. */
export const seedTechnicians = (count: number): Technician[] =>
  Array.from({ length: count }, (_, index) => seedTechnician(index + 1));

/**
 * Clients 1..count, the same on every run: client i is "Cliente i", in zone ((i - 1) mod zones) + 1
 * and with technician ((i - 1) mod technicians) + 1, except that every 97th has no zone and every 89th
 * no technician (nor does any when there are no zones or technicians).
 */
export function seedClients(count: number, zones: number, technicians: number): Client[] {
  return Array.from({ length: count }, (_, index) => {
    const id = index + 1;
    return {
      id_servicio: id,
      nombre: `Cliente ${id}`,
      cedula: String(1_000_000_000 + id),
      telefono: `300${String(id).padStart(7, '0')}`,
      direccion: `Calle ${(id % 120) + 1} # ${(id % 40) + 1}-${(id % 90) + 10}`,
      zona: zones === 0 || id % NO_ZONE_EVERY === 0 ? null : seedZone((index % zones) + 1),
      tecnico:
        technicians === 0 || id % NO_TECHNICIAN_EVERY === 0
          ? null
          : seedTechnician((index % technicians) + 1),
      estado: 'Activo',
    };
  });
}
