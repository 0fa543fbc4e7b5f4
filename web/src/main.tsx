import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { memoryOnlyTokens } from './auth/token';
import './global.css';

// A kiosk keeps its citizen's token in memory only: nothing survives a reload or the next person.
if (location.pathname.startsWith('/kiosk')) memoryOnlyTokens();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
