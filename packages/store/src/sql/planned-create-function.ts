/**
 * `create_planned_ticket`, PostgreSQL's create in one round trip (migration 0008; called by
 * postgres-planned-create.ts). Under the zone's row lock it reads what a create decides on and,
 * when the plan's conditions hold (the zone known, the service in it, an active technician, no
 * earlier create with the key, nobody waiting, a free slot), writes the planned ticket, its zone
 * count, its events, its outbox messages and its idempotency key. It answers that context (as it
 * was before the insert) and the new ticket's id, null when it wrote nothing.
 *
 * The lock is the one every zone step takes (`select … for update` on the zone's row). A VOLATILE
 * function takes a new snapshot for each statement under READ COMMITTED, so everything read after
 * the lock is granted includes what the zone's previous step committed: the count is exact across
 * processes, as in the steps of ticket-steps.ts. The call is one statement, so all of it commits,
 * or none of it.
 */
export const PLANNED_CREATE_FUNCTION = `
create or replace function create_planned_ticket(
  p_zone_id bigint,
  p_service_id bigint,
  p_technician_id bigint,
  p_active_statuses integer[],
  p_default_limit bigint,
  p_key_client text,
  p_key text,
  p_fingerprint text,
  p_ticket json,
  p_events json,
  p_outbox json,
  p_payload_head text
) returns table (
  ticket_id bigint,
  zone_id bigint,
  zone_name text,
  max_active_tickets integer,
  service_id bigint,
  service_zone_id bigint,
  customer_name text,
  technician_id bigint,
  technician_name text,
  technician_active integer,
  active_tickets integer,
  waiting integer,
  key_fingerprint text,
  key_ticket json,
  key_queued json,
  key_place integer
) language plpgsql volatile as $fn$
#variable_conflict use_column
declare
  v_zone zones%rowtype;
  v_key_ticket_id bigint;
  v_key_queue_id bigint;
  v_ticket_id bigint;
  v_event_ids bigint[];
begin
  select * into v_zone from zones z where z.id = p_zone_id for update;
  zone_id := v_zone.id;
  zone_name := v_zone.name;
  max_active_tickets := v_zone.max_active_tickets;
  select s.id, s.zone_id, s.customer_name into service_id, service_zone_id, customer_name
    from services s where s.id = p_service_id;
  select t.id, t.name, t.active into technician_id, technician_name, technician_active
    from technicians t where t.id = p_technician_id;
  active_tickets := (select coalesce(sum(c.tickets), 0)::integer from zone_status_counts c
    where c.zone_id = p_zone_id and c.status = any (p_active_statuses));
  waiting := coalesce((select w.waiting from zone_waiting_counts w where w.zone_id = p_zone_id), 0);
  if p_key_client is not null then
    select k.fingerprint, k.ticket_id, k.queue_id into key_fingerprint, v_key_ticket_id, v_key_queue_id
      from idempotency_keys k where k.client = p_key_client and k.key = p_key;
  end if;
  if key_fingerprint is not null then
    key_ticket := (select row_to_json(t) from tickets t where t.id = v_key_ticket_id);
    key_queued := (select row_to_json(q) from queued_requests q where q.id = v_key_queue_id);
    if (key_queued ->> 'state') = 'waiting' then
      key_place := (select count(*)::integer from queued_requests q
        where q.zone_id = (key_queued ->> 'zone_id')::bigint and q.state = 'waiting' and q.id <= v_key_queue_id);
    end if;
  end if;
  if v_zone.id is null or service_id is null or service_zone_id is distinct from p_zone_id
      or technician_id is null or technician_active is distinct from 1
      or key_fingerprint is not null or waiting > 0
      or active_tickets >= coalesce(v_zone.max_active_tickets, p_default_limit) then
    return next;
    return;
  end if;

  insert into tickets (service_id, zone_id, technician_id, subject, priority, description, status,
      created_at, end_date, answer_text, updated_at, source, wisphub_ticket_id, wisphub_sync,
      wisphub_status, version, affected_count)
    select r.service_id, r.zone_id, r.technician_id, r.subject, r.priority, r.description, r.status,
      r.created_at, r.end_date, r.answer_text, r.updated_at, r.source, r.wisphub_ticket_id,
      r.wisphub_sync, r.wisphub_status, r.version, r.affected_count
    from json_populate_record(null::tickets, p_ticket) r
    returning id into v_ticket_id;
  insert into zone_status_counts as c (zone_id, status, tickets)
    values ((p_ticket ->> 'zone_id')::bigint, (p_ticket ->> 'status')::integer, 1)
    on conflict (zone_id, status) do update set tickets = c.tickets + 1;
  if json_array_length(p_events) > 0 then
    with inserted as (
      insert into ticket_events (ticket_id, at, actor, kind, before, after, note)
        select v_ticket_id, e.at, e.actor, e.kind, e.before, e.after, e.note
        from json_populate_recordset(null::ticket_events, p_events) with ordinality e
        order by e.ordinality
        returning id
    )
    select array_agg(i.id order by i.id) into v_event_ids from inserted i;
  end if;
  if json_array_length(p_outbox) > 0 then
    insert into outbox (ticket_id, channel, endpoint, event_id, payload, state, created_at)
      select v_ticket_id, o.channel,
        case when o.channel = 'webhook' then o.endpoint end,
        case when o.channel = 'webhook' then v_event_ids[o.event + 1] end,
        case when o.channel = 'webhook' then p_payload_head || ',"ticket_id":' || v_ticket_id || '}' end,
        'pending', (p_ticket ->> 'updated_at')::bigint
      from rows from (json_to_recordset(p_outbox) as (channel text, endpoint text, event integer))
        with ordinality o(channel, endpoint, event, n)
      order by o.n;
  end if;
  if p_key_client is not null then
    insert into idempotency_keys (client, key, fingerprint, ticket_id, queue_id, recorded_at)
      values (p_key_client, p_key, p_fingerprint, v_ticket_id, null, (p_ticket ->> 'created_at')::bigint);
  end if;
  ticket_id := v_ticket_id;
  return next;
end
$fn$`;
