import { useCallback, useEffect, useRef, useState } from 'react';
import QRCode from 'qrcode';
import { api, errorText, unwrap, type Schemas } from '../../api/client';

export type QrLoginState =
  | { phase: 'starting' }
  | { phase: 'waiting'; sessionId: string; qrDataUrl: string; expiresAt: string }
  | { phase: 'confirmed'; token: string; account: Schemas['Me'] | undefined }
  | { phase: 'error'; message: string };

/**
 * A5 QR login: start a session, show its QR, poll until the card app confirms (the token comes
 * exactly once), start a fresh one when it expires. `headers` carries X-Terminal-Id on a kiosk.
 */
export function useQrLogin(opts: { headers?: Record<string, string>; pollMs?: number; enabled?: boolean } = {}) {
  const [state, setState] = useState<QrLoginState>({ phase: 'starting' });
  const [round, setRound] = useState(0);
  const headersRef = useRef(opts.headers);
  headersRef.current = opts.headers;
  const enabled = opts.enabled ?? true;
  const pollMs = opts.pollMs ?? 1500;

  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState({ phase: 'starting' });
    (async () => {
      try {
        const started = await unwrap(api.POST('/auth/qr-sessions', { headers: headersRef.current ?? {} }));
        const qrDataUrl = await QRCode.toDataURL(started.qrContent, { margin: 1, width: 280, errorCorrectionLevel: 'M' });
        if (stopped) return;
        setState({ phase: 'waiting', sessionId: started.sessionId, qrDataUrl, expiresAt: started.expiresAt });
        const poll = async () => {
          if (stopped) return;
          try {
            const s = await unwrap(api.GET('/auth/qr-sessions/{sessionId}', { params: { path: { sessionId: started.sessionId } } }));
            if (stopped) return;
            if (s.status === 'confirmed' && s.token) return setState({ phase: 'confirmed', token: s.token, account: s.account });
            if (s.status === 'expired' || s.status === 'consumed' || Date.parse(started.expiresAt) < Date.now()) return setRound((r) => r + 1);
          } catch {
            /* a lost poll is retried on the next tick */
          }
          timer = setTimeout(poll, pollMs);
        };
        timer = setTimeout(poll, pollMs);
      } catch (err) {
        if (!stopped) setState({ phase: 'error', message: errorText(err) });
      }
    })();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [round, enabled, pollMs]);

  const restart = useCallback(() => setRound((r) => r + 1), []);
  return { state, restart };
}
