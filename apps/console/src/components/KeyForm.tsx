import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';

/** Asked for when the server answers UNAUTHORIZED: the key is kept for this browser session only. */
export function KeyForm({
  rejected,
  onSubmit,
}: {
  rejected: boolean;
  onSubmit: (key: string) => void;
}): ReactNode {
  const [key, setKey] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (key.trim() !== '') onSubmit(key);
  };
  return (
    <section className="panel login" aria-labelledby="login-title">
      <h2 id="login-title">Acceso</h2>
      <p>
        Este servidor pide una clave de API. Se guarda solo en esta pestaña del navegador y se borra al
        cerrarla o con «Salir».
      </p>
      {rejected && (
        <p className="notice error" role="alert">
          La clave no es válida. Revísela e inténtelo de nuevo.
        </p>
      )}
      <form onSubmit={submit}>
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
            onChange={(event) => setKey(event.target.value)}
          />
        </div>
        <button type="submit" className="primary wide">
          Entrar
        </button>
      </form>
    </section>
  );
}
