import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { requiredTexts } from '../messages.js';

/** Asked for when the server answers UNAUTHORIZED: the key is kept for this browser session only. */
export function KeyForm({
  rejected,
  onSubmit,
}: {
  rejected: boolean;
  onSubmit: (key: string) => void;
}): ReactNode {
  const [key, setKey] = useState('');
  const [empty, setEmpty] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setEmpty(key.trim() === '');
    if (key.trim() !== '') onSubmit(key);
    else input.current?.focus();
  };
  return (
    <section className="panel login" aria-labelledby="login-title">
      <h2 id="login-title">Acceso</h2>
      <p>
        Este servidor pide una clave de API. Se guarda solo en esta pestaña del navegador y se borra al
        cerrarla o con “Salir”.
      </p>
      {rejected && (
        <p className="notice error" role="alert">
          La clave no es válida. Revísela e inténtelo de nuevo.
        </p>
      )}
      <form noValidate onSubmit={submit}>
        <div className="field">
          <label htmlFor="api-key">Clave de API</label>
          <input
            id="api-key"
            ref={input}
            type="password"
            autoComplete="current-password"
            spellCheck={false}
            required
            value={key}
            aria-invalid={empty ? true : undefined}
            aria-describedby={empty ? 'api-key-error' : undefined}
            onChange={(event) => setKey(event.target.value)}
          />
          {empty && (
            <p className="field-error" id="api-key-error">
              {requiredTexts.api_key}
            </p>
          )}
        </div>
        <button type="submit" className="primary wide">
          Entrar
        </button>
      </form>
    </section>
  );
}
