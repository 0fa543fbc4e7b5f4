/**
 * The session token lives in sessionStorage (window PC: survives a reload, dies with the tab) or
 * only in memory (kiosk: nothing outlives the citizen). Never localStorage.
 */
const KEY = 'jjb.session';
let memory: string | undefined;
let persist = true;
const listeners = new Set<(token: string | undefined) => void>();

export function memoryOnlyTokens(): void {
  persist = false;
  memory = undefined;
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    /* storage unavailable: memory only anyway */
  }
}

export function getToken(): string | undefined {
  if (memory) return memory;
  if (!persist) return undefined;
  try {
    return sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function setToken(token: string | undefined): void {
  memory = token;
  if (persist) {
    try {
      if (token) sessionStorage.setItem(KEY, token);
      else sessionStorage.removeItem(KEY);
    } catch {
      /* memory only */
    }
  }
  for (const l of listeners) l(token);
}

export function onTokenChange(l: (token: string | undefined) => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
