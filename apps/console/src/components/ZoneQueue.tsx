import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import type { QueuedRequest, WithdrawQueuedReply } from '../api.js';
import { useApi } from '../context.js';
import { errorText } from '../messages.js';
import { refreshAfterChange, useZoneQueue } from '../queries.js';
import { LocalTime } from './Badges.js';

/** What withdrawing a request came to. */
function withdrawnMessage(queueId: number, reply: WithdrawQueuedReply): string {
  switch (reply.action) {
    case 'queue_entry_withdrawn':
      return `Solicitud #${queueId} retirada de la fila.`;
    case 'queue_entry_not_waiting':
      return reply.data.state === 'admitted'
        ? `La solicitud #${queueId} ya no espera: se admitió como ticket #${reply.data.ticket_id}.`
        : `La solicitud #${queueId} ya estaba retirada.`;
    case 'queue_entry_not_found':
      return `No existe la solicitud #${queueId}.`;
  }
}

function QueuedItem({
  request,
  onWithdraw,
  withdrawing,
}: {
  request: QueuedRequest;
  onWithdraw: () => void;
  withdrawing: boolean;
}): ReactNode {
  return (
    <li>
      <span className="queued-subject">
        {request.position}. {request.subject}
      </span>{' '}
      <span className="muted small">
        Servicio {request.service_id} · desde <LocalTime value={request.queued_at} />
      </span>{' '}
      <button
        type="button"
        className="link"
        aria-label={`Retirar la solicitud ${request.queue_id} de la fila`}
        aria-disabled={withdrawing}
        onClick={onWithdraw}
      >
        {withdrawing ? 'Retirando…' : 'Retirar'}
      </button>
    </li>
  );
}

/**
 * A zone's waiting line, first in line first, each request with a button to withdraw it. After
 * a withdrawal the focus goes to `returnFocus` (the request's button is gone) and the result is
 * announced.
 */
export function ZoneQueue({
  id,
  zoneId,
  zoneName,
  returnFocus,
}: {
  readonly id: string;
  readonly zoneId: number;
  readonly zoneName: string;
  readonly returnFocus: () => void;
}): ReactNode {
  const api = useApi();
  const queryClient = useQueryClient();
  const line = useZoneQueue(zoneId);
  const [message, setMessage] = useState('');
  useEffect(() => {
    if (message === '') return;
    const timer = setTimeout(() => setMessage(''), 10_000);
    return () => clearTimeout(timer);
  }, [message]);
  const withdraw = useMutation({
    mutationFn: (queueId: number) => api.queue.withdraw.mutate({ queue_id: queueId }),
    onSettled: () => refreshAfterChange(queryClient),
  });
  const withdrawOne = async (queueId: number) => {
    if (withdraw.isPending) return;
    try {
      setMessage(withdrawnMessage(queueId, await withdraw.mutateAsync(queueId)));
    } catch (error) {
      setMessage(`No se retiró la solicitud #${queueId}. ${errorText(error)}`);
    }
    returnFocus();
  };

  const requests = line.data ?? [];
  return (
    <div className="zone-queue" id={id}>
      {line.isPending && <p className="muted small">Cargando la fila…</p>}
      {line.isError && (
        <p className="notice error small" role="alert">
          No se pudo cargar la fila. {errorText(line.error)}
        </p>
      )}
      {line.isSuccess && requests.length === 0 && <p className="muted small">Nadie espera en {zoneName}.</p>}
      {requests.length > 0 && (
        <ol className="queue-list" aria-label={`Fila de espera de ${zoneName}`}>
          {requests.map((request) => (
            <QueuedItem
              key={request.queue_id}
              request={request}
              withdrawing={withdraw.isPending && withdraw.variables === request.queue_id}
              onWithdraw={() => withdrawOne(request.queue_id)}
            />
          ))}
        </ol>
      )}
      <p className={message === '' ? 'sr-only' : 'small queue-message'} role="status">
        {message}
      </p>
    </div>
  );
}
