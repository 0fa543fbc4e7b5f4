import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';
import { runtimeConfig } from '../config';
import { getToken } from '../auth/token';

/**
 * The one API client: typed from the server's OpenAPI document (src/api/schema.d.ts, generated),
 * with the session token added here. Screens call `api.GET('/cases/{id}', …)` and `unwrap` it;
 * nobody writes a fetch per route.
 */
export type Schemas = components['schemas'];

export interface FieldIssue {
  field: string;
  message: string;
}

/** The error envelope of api.md, as a throwable. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }
  /** details[] entries that name a field (400s). */
  get fieldIssues(): FieldIssue[] {
    return Array.isArray(this.details)
      ? this.details.filter((d): d is FieldIssue => typeof d === 'object' && d !== null && typeof (d as FieldIssue).field === 'string')
      : [];
  }
}

/** The request never got an answer (link down, server gone): safe to retry with the same key. */
export class NetworkError extends Error {
  constructor() {
    super('网络连接中断，请检查网络后重试');
  }
}

type Listener = () => void;
const sessionEnded = new Set<Listener>();
const activity = new Set<Listener>();
const network = new Set<(online: boolean) => void>();
/** Called when the server refuses our token (idle end, logout elsewhere, freeze). */
export const onSessionEnded = (l: Listener) => (sessionEnded.add(l), () => void sessionEnded.delete(l));
/** Called on every answered request that carried the token (the server's idle clock restarted). */
export const onSessionActivity = (l: Listener) => (activity.add(l), () => void activity.delete(l));
/** Called with false when a request found no network, true when one got through again. */
export const onNetworkChange = (l: (online: boolean) => void) => (network.add(l), () => void network.delete(l));

const session: Middleware = {
  onRequest({ request }) {
    const token = getToken();
    if (token && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ request, response }) {
    for (const l of network) l(true);
    if (request.headers.has('authorization')) {
      if (response.status === 401) for (const l of sessionEnded) l();
      else for (const l of activity) l();
    }
    return response;
  },
};

// JSON replies only: list routes also answer XLSX (Accept), which the screens download directly, not through typed data.
export const api = createClient<paths, 'application/json'>({ baseUrl: runtimeConfig.apiBase || globalThis.location?.origin });
api.use(session);

const CODE_MESSAGES: Record<string, string> = {
  UNAUTHORIZED: '登录已失效，请重新扫码登录',
  FORBIDDEN: '无权执行此操作',
  NOT_FOUND: '未找到，或不在您的管辖范围内',
  THROTTLED: '操作过于频繁，请稍后再试',
  PAYLOAD_TOO_LARGE: '提交内容过大',
  INTERNAL: '服务暂时出错，请稍后再试',
  SERVICE_UNAVAILABLE: '服务暂时不可用，请稍后再试',
};

/** Awaits an openapi-fetch call: the data, or an ApiError / NetworkError with a Chinese message. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let r: { data?: T; error?: unknown; response: Response };
  try {
    r = await call;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    for (const l of network) l(false);
    throw new NetworkError();
  }
  if (r.response.ok) return r.data as T;
  const env = (r.error ?? {}) as { error?: { code?: string; message?: string; details?: unknown } };
  const code = env.error?.code ?? `HTTP_${r.response.status}`;
  const message = /[\u4e00-\u9fa5]/.test(env.error?.message ?? '') ? env.error!.message! : (CODE_MESSAGES[code] ?? `请求失败（${r.response.status}）`);
  if (r.response.status >= 500) for (const l of network) l(true);
  throw new ApiError(r.response.status, code, message, env.error?.details);
}

/** A human sentence for any error a screen caught. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError || err instanceof NetworkError) return err.message;
  return '操作失败，请重试';
}

/** A fresh Idempotency-Key: one per form, reused by every retry of that form. */
export function newIdempotencyKey(): string {
  return `web-${crypto.randomUUID()}`;
}
