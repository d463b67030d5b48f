import { type ReactNode, useId, useState } from 'react';
import type { Service } from '../api.js';

/** How many matches the picker lists at once: typing narrows them. */
const SHOWN = 50;

/** Text compared without case or accents ("Muñoz" matches "munoz"). */
const folded = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .trim();

/** The services matching what was typed: by number (from its first digits) or by part of the customer's name. */
export function matchServices(services: readonly Service[], typed: string): Service[] {
  const query = folded(typed);
  if (query === '') return [...services];
  const digits = /^\d+$/.test(query);
  return services.filter((s) =>
    digits
      ? String(s.service_id).startsWith(query)
      : folded(s.customer_name ?? '').includes(query) || folded(String(s.service_id)).startsWith(query),
  );
}

export interface ServicePickerProps {
  readonly id: string;
  readonly services: readonly Service[];
  /** The chosen service's number, '' while none is. */
  readonly value: string;
  readonly onChange: (serviceId: string) => void;
  /** A service's line: its number, customer and zone. */
  readonly describe: (service: Service) => string;
  /** Ids of what describes the field (its error), for aria-describedby. */
  readonly describedBy?: string;
  readonly invalid?: boolean;
}

/**
 * The service field as a combobox (WAI-ARIA's list autocomplete): type a number or a name, move
 * through the matches with the arrows, Enter or a click to choose, Escape to close.
 */
export function ServicePicker({
  id,
  services,
  value,
  onChange,
  describe,
  describedBy,
  invalid,
}: ServicePickerProps): ReactNode {
  const listId = `${id}-list`;
  const hintId = useId();
  const chosen = services.find((s) => String(s.service_id) === value);
  const [typed, setTyped] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  // What the box shows: what is being typed, or the chosen service's line.
  const text = typed ?? (chosen === undefined ? '' : describe(chosen));
  const matches = matchServices(services, typed ?? '');
  const shown = matches.slice(0, SHOWN);
  const choose = (service: Service) => {
    onChange(String(service.service_id));
    setTyped(null);
    setOpen(false);
  };
  const optionId = (service: Service) => `${id}-option-${service.service_id}`;
  const activeService = open ? shown[Math.min(active, shown.length - 1)] : undefined;
  return (
    <div className="picker">
      <input
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={activeService === undefined ? undefined : optionId(activeService)}
        aria-describedby={[hintId, describedBy].filter(Boolean).join(' ')}
        aria-invalid={invalid || undefined}
        placeholder="Número o nombre del cliente"
        value={text}
        onChange={(event) => {
          setTyped(event.target.value);
          setActive(0);
          setOpen(true);
          if (value !== '') onChange('');
        }}
        onFocus={(event) => event.target.select()}
        onClick={() => setOpen(true)}
        onBlur={() => {
          // A number typed whole is that service, chosen or not from the list.
          const exact = services.find((s) => String(s.service_id) === (typed ?? '').trim());
          if (exact !== undefined) choose(exact);
          setOpen(false);
        }}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
            event.preventDefault();
            if (!open) {
              setOpen(true);
              setActive(0);
              return;
            }
            const step = event.key === 'ArrowDown' ? 1 : -1;
            setActive(
              (i) => (Math.min(i, shown.length - 1) + step + shown.length) % Math.max(shown.length, 1),
            );
          } else if (event.key === 'Enter' && activeService !== undefined) {
            event.preventDefault();
            choose(activeService);
          } else if (event.key === 'Escape' && open) {
            event.preventDefault();
            event.stopPropagation();
            setOpen(false);
          }
        }}
      />
      <p id={hintId} className="hint">
        {open
          ? matches.length === 0
            ? 'Ningún servicio coincide.'
            : matches.length > SHOWN
              ? `${matches.length} servicios coinciden; se muestran ${SHOWN}: siga escribiendo.`
              : `${matches.length === 1 ? '1 servicio coincide' : `${matches.length} servicios coinciden`}: flechas para recorrerlos, Enter para elegir.`
          : 'Escriba el número del servicio o el nombre del cliente.'}
      </p>
      <div
        id={listId}
        role="listbox"
        aria-label="Coincidencias"
        className="picker-list"
        hidden={!open || shown.length === 0}
      >
        {shown.map((service) => (
          <div
            key={service.service_id}
            tabIndex={-1}
            id={optionId(service)}
            role="option"
            aria-selected={service === activeService}
            className={service === activeService ? 'active' : undefined}
            // Chosen before the input's blur closes the list.
            onMouseDown={(event) => {
              event.preventDefault();
              choose(service);
            }}
          >
            {describe(service)}
          </div>
        ))}
      </div>
    </div>
  );
}
