import * as z from 'zod';
import { defineApi, route, type FunctionAccess } from '../../shared/http/route';
import { idNumber } from '../../shared/http/schemas';

const sessionId = z.string().regex(/^[A-Za-z0-9_-]{20,64}$/, { message: '无效的登录会话号' });

export const QrSessionCreated = z
  .object({
    sessionId: z.string(),
    qrContent: z.string(),
    expiresAt: z.string(),
    /** Started on a registered kiosk: the session will end after this many idle seconds. */
    idleSeconds: z.number().optional(),
  })
  .meta({ id: 'QrSessionCreated' });

export const Me = z
  .object({
    kind: z.enum(['staff', 'citizen']),
    accountId: z.string().optional(),
    name: z.string().optional(),
    idNumber: z.string().optional(),
    phone: z.string().optional(),
    roles: z.array(z.string()).optional(),
    regionCode: z.string().optional(),
    regionName: z.string().optional(),
    pointId: z.string().optional(),
    status: z.string().optional(),
  })
  .meta({ id: 'Me' });

export const QrSessionStatus = z
  .object({
    status: z.enum(['pending', 'confirmed', 'consumed', 'expired']),
    token: z.string().optional(),
    expiresAt: z.string().optional(),
    /** The session ends after this many seconds without a request (120 on a kiosk, 900 elsewhere). */
    idleSeconds: z.number().optional(),
    account: Me.optional(),
  })
  .meta({ id: 'QrSessionStatus' });

export const authApi = defineApi('auth', {
  startQrLogin: route({
    method: 'POST',
    path: '/auth/qr-sessions',
    auth: 'public',
    summary: '开始扫码登录：返回二维码内容与会话号',
    status: 201,
    response: QrSessionCreated,
  }),
  confirmQrLogin: route({
    method: 'POST',
    path: '/auth/qr-sessions/{sessionId}/confirm',
    auth: 'public',
    summary: '电子社保卡 App 确认登录（签名断言）',
    params: z.strictObject({ sessionId }),
    body: z.strictObject({ assertion: z.string().min(1).max(8192) }),
    response: z.object({ status: z.literal('confirmed') }),
  }),
  pollQrLogin: route({
    method: 'GET',
    path: '/auth/qr-sessions/{sessionId}',
    auth: 'public',
    summary: '登录页轮询：确认后仅返回一次令牌',
    params: z.strictObject({ sessionId }),
    response: QrSessionStatus,
  }),
  logout: route({
    method: 'POST',
    path: '/auth/logout',
    auth: 'signedIn',
    summary: '退出登录，结束当前会话',
    response: z.object({ status: z.literal('logged_out') }),
  }),
  me: route({
    method: 'GET',
    path: '/me',
    auth: 'signedIn',
    summary: '当前账号、角色、区划与服务点',
    response: Me,
  }),
  devCardScan: route({
    method: 'POST',
    path: '/dev/card-scan',
    auth: 'public',
    localOnly: true,
    summary: '仅本地：模拟电子社保卡 App 扫码，用本地开发签发密钥签名',
    body: z.strictObject({ sessionId, idNumber }),
    response: z.object({ status: z.literal('confirmed') }),
  }),
},
  // Card login: blind index of the ID number, sealed session copy, signed tokens.
  { table: 'readWrite', pii: true, blindIndex: true, sessionKeys: true },
);

/**
 * The HTTP API authorizer (functions/auth/authorizer.ts): verifies the token (signing keys),
 * reads session and account, touches the session. The stack narrows its table grant further
 * (reads, and UpdateItem on session partitions only).
 */
export const authorizerAccess: FunctionAccess = { table: 'readWrite', sessionKeys: true };
