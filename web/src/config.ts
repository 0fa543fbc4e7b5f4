/**
 * Runtime settings, read from <meta name="jjb-config"> (written by the local server, or by the
 * deployment with the API origin): no inline script, no extra round trip before the first screen.
 */
export interface RuntimeConfig {
  /** '' = the API is on the console's own origin (local mode). */
  apiBase: string;
  /** The local scan button exists only then. */
  localMode: boolean;
  /** The server's idle end of a staff session, for the "请重新扫码登录" screen. */
  sessionIdleSeconds: number;
  /** The kiosk goes back to its start screen after this long without a touch. */
  kioskIdleSeconds: number;
}

function read(): RuntimeConfig {
  let raw: Partial<RuntimeConfig> = {};
  try {
    raw = JSON.parse(document.querySelector('meta[name="jjb-config"]')?.getAttribute('content') ?? '{}') as Partial<RuntimeConfig>;
  } catch {
    raw = {};
  }
  return {
    apiBase: typeof raw.apiBase === 'string' ? raw.apiBase.replace(/\/$/, '') : '',
    localMode: raw.localMode === true,
    sessionIdleSeconds: Number(raw.sessionIdleSeconds) > 0 ? Number(raw.sessionIdleSeconds) : 15 * 60,
    kioskIdleSeconds: Number(raw.kioskIdleSeconds) > 0 ? Number(raw.kioskIdleSeconds) : 60,
  };
}

export const runtimeConfig: RuntimeConfig = read();
