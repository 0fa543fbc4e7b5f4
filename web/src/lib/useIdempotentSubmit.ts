import { useCallback, useRef, useState } from 'react';
import { ApiError, NetworkError, newIdempotencyKey } from '../api/client';

/**
 * One Idempotency-Key per form: a double click, a retry after a dropped link, or a reload of the
 * request all carry the same key, so the server returns the first result and never makes a second
 * case. The key is renewed only after an answer that created nothing (a 4xx) or after success,
 * when the form starts over.
 */
export function useIdempotentSubmit<T, A extends unknown[]>(send: (key: string, ...args: A) => Promise<T>) {
  const key = useRef(newIdempotencyKey());
  const inFlight = useRef<Promise<T> | undefined>(undefined);
  const [pending, setPending] = useState(false);
  const [networkLost, setNetworkLost] = useState(false);

  const submit = useCallback(
    async (...args: A): Promise<T> => {
      // A second click while the first is on its way waits for the same answer.
      if (inFlight.current) return inFlight.current;
      setPending(true);
      const run = (async () => {
        for (let attempt = 0; ; attempt++) {
          try {
            const result = await send(key.current, ...args);
            setNetworkLost(false);
            return result;
          } catch (err) {
            // The same key still being processed (a retry that raced the first): ask again shortly.
            if (err instanceof ApiError && err.code === 'IDEMPOTENCY_IN_PROGRESS' && attempt < 10) {
              await new Promise((r) => setTimeout(r, 400));
              continue;
            }
            if (err instanceof NetworkError) setNetworkLost(true);
            else if (err instanceof ApiError && err.status >= 400 && err.status < 500) key.current = newIdempotencyKey();
            throw err;
          }
        }
      })();
      inFlight.current = run;
      try {
        return await run;
      } finally {
        inFlight.current = undefined;
        setPending(false);
      }
    },
    [send],
  );
  /** After success, when the same form is used for the next case. */
  const reset = useCallback(() => {
    key.current = newIdempotencyKey();
    setNetworkLost(false);
  }, []);
  return { submit, pending, networkLost, reset, currentKey: () => key.current };
}
