import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, createQueryClient } from './App.js';
import { createApi } from './api.js';
import { createSession } from './session.js';
import './styles.css';
import './features.css';

const session = createSession();
const api = createApi({ apiKey: () => session.getState().key });
const root = document.getElementById('root');
if (root === null) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App api={api} session={session} queryClient={createQueryClient(session)} />
  </StrictMode>,
);
