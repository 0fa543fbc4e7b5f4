import { randomBytes } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../../shared/config';
import { epochSeconds, isoShanghai } from '../../shared/clock';
import { db, tableName } from '../../shared/db/client';
import { getItem, getItems } from '../../shared/db/store';
import { Tx } from '../../shared/db/tx';
import {
  Account,
  AssertionUse,
  PersonAccount,
  QrSession,
  Session,
  type AccountAttrs,
  type QrSessionAttrs,
  type SessionAttrs,
} from '../../shared/db/entities';
import { Conflict, Forbidden, NotFound, Unauthorized } from '../../shared/http/errors';
import type { Principal, RequestCtx } from '../../shared/http/context';
import { blindIndex, seal, unseal } from '../../shared/security/crypto';
import { signSessionToken, verifySessionToken } from '../../shared/security/tokens';
import type { AuthorizerContext } from '../../shared/security/authorizer-context';
import { findRegion } from '../../shared/regions';
import { verifyCardAssertion } from './assertion';
import { inactiveTooLong } from '../accounts/rules';
import { lockInactiveAccount } from '../accounts/store';
import { idleSecondsOf, kioskOfLogin, touchEverySecondsOf } from './kiosk';

const QR_TTL_SECONDS = 300;

const newSecretId = () => randomBytes(24).toString('base64url');

export async function startQrLogin(ctx: RequestCtx) {
  const sessionId = newSecretId();
  const expires = new Date(ctx.now.getTime() + QR_TTL_SECONDS * 1000);
  const kiosk = await kioskOfLogin(ctx);
  const item = QrSession.item({
    ...(kiosk ?? {}),
    sessionId,
    status: 'pending',
    createdAt: isoShanghai(ctx.now),
    expiresAt: isoShanghai(expires),
    ttl: epochSeconds(expires) + 3600,
    version: 1,
  });
  await new Tx(ctx).put(item).log({ action: 'auth.qr_started', targetType: 'QrSession', targetId: sessionId.slice(0, 8) }).commit();
  return {
    sessionId,
    qrContent: `jiujinban://login?session=${sessionId}&aud=jiujinban`,
    expiresAt: item.expiresAt,
    ...(kiosk ? { idleSeconds: kiosk.idleSeconds } : {}),
  };
}


export async function confirmQrLogin(ctx: RequestCtx, sessionId: string, assertion: string) {
  const card = await verifyCardAssertion(assertion, sessionId, ctx.now);
  if (!card) throw new Unauthorized('电子社保卡签名无效、已过期或不属于此登录会话', 'INVALID_ASSERTION');
  const qr = await getItem<QrSessionAttrs>(QrSession.key({ sessionId }), true);
  if (!qr) throw new NotFound('登录会话不存在', 'QR_SESSION_NOT_FOUND');
  if (qr.status !== 'pending') {
    // A second use of the same assertion is a replay (401), whatever the session's state.
    if (await getItem(AssertionUse.key({ jti: card.jti }), true)) throw new Unauthorized('此签名断言已使用过', 'ASSERTION_REPLAYED');
    throw new Conflict('登录会话已确认', 'QR_SESSION_USED');
  }
  if (new Date(qr.expiresAt).getTime() < ctx.now.getTime()) throw new Conflict('登录二维码已过期，请刷新', 'QR_SESSION_EXPIRED');

  const personIndex = await blindIndex('id', card.idNumber);
  const link = await getItem<{ accountId: string }>(PersonAccount.key({ personIndex }), true);
  let account = link ? await getItem<AccountAttrs>(Account.key({ id: link.accountId }), true) : undefined;
  if (account?.status === 'deregistered') account = undefined; // a former staff member is a citizen now
  if (account?.status === 'frozen') throw new Forbidden('账号已冻结', 'ACCOUNT_FROZEN');
  if (account?.status === 'locked') throw new Forbidden('账号因长期未登录已锁定，请联系管理员解锁', 'ACCOUNT_LOCKED');
  if (account && inactiveTooLong(account, ctx.now)) {
    // The daily job may not have run yet: lock it now. A concurrent change wins; the login is refused either way.
    await lockInactiveAccount(ctx, account).catch((e: unknown) => {
      if (!(e instanceof Conflict)) throw e;
    });
    throw new Forbidden('账号因长期未登录已锁定，请联系管理员解锁', 'ACCOUNT_LOCKED');
  }

  const sid = newSecretId();
  const expires = new Date(ctx.now.getTime() + config().sessionMaxSeconds * 1000);
  const onKiosk = qr.idleSeconds !== undefined ? { terminalId: qr.terminalId, idleSeconds: qr.idleSeconds } : {};
  const session: SessionAttrs = account
    ? {
        sid,
        kind: 'staff',
        accountId: account.id,
        ...onKiosk,
        createdAt: isoShanghai(ctx.now),
        lastSeenAt: ctx.now.toISOString(),
        expiresAt: expires.toISOString(),
        ttl: epochSeconds(expires) + 86400,
      }
    : {
        sid,
        kind: 'citizen',
        personIndex,
        idNumberSealed: await seal(card.idNumber),
        ...onKiosk,
        createdAt: isoShanghai(ctx.now),
        lastSeenAt: ctx.now.toISOString(),
        expiresAt: expires.toISOString(),
        ttl: epochSeconds(expires) + 86400,
      };
  const tx = new Tx(ctx)
    .put(AssertionUse.item({ jti: card.jti, ttl: card.exp + 3600, at: isoShanghai(ctx.now) }), {
      conflict: { code: 'ASSERTION_REPLAYED', message: '此签名断言已使用过' },
    })
    .update(QrSession.key({ sessionId }), 'SET #s = :confirmed, sid = :sid, accountId = :acc, version = version + :one', {
      condition: '#s = :pending',
      names: { '#s': 'status' },
      values: { ':confirmed': 'confirmed', ':pending': 'pending', ':sid': sid, ':acc': account?.id ?? 'citizen', ':one': 1 },
      conflict: { code: 'QR_SESSION_USED', message: '登录会话已确认' },
    })
    .put(Session.item(session));
  if (account) {
    tx.update(Account.key({ id: account.id }), 'SET lastLoginAt = :now', {
      condition: '#s = :active AND sessionEpoch = :ep',
      names: { '#s': 'status' },
      values: { ':now': isoShanghai(ctx.now), ':active': 'active', ':ep': account.sessionEpoch },
      conflict: { code: 'ACCOUNT_CHANGED', message: '账号状态刚刚变化，请重新扫码' },
    });
  }
  tx.log({
    action: 'auth.login',
    targetType: account ? 'Account' : 'Citizen',
    targetId: account ? account.id : personIndex.slice(0, 16),
    after: { sessionKind: session.kind, ...(session.terminalId ? { kioskTerminal: session.terminalId } : {}) },
    countyCode: account?.scopeBucket,
  });
  try {
    await tx.commit();
  } catch (e) {
    if (e instanceof Conflict && e.code === 'ASSERTION_REPLAYED') throw new Unauthorized(e.message, 'ASSERTION_REPLAYED');
    throw e;
  }
  return { status: 'confirmed' as const };
}

async function describe(session: SessionAttrs, account: AccountAttrs | undefined, selfView: boolean) {
  if (session.kind === 'citizen') {
    return { kind: 'citizen' as const, idNumber: selfView && session.idNumberSealed ? await unseal(session.idNumberSealed) : undefined };
  }
  if (!account) throw new NotFound('账号不存在');
  const region = await findRegion(account.regionCode);
  return {
    kind: 'staff' as const,
    accountId: account.id,
    name: account.name,
    // The person themself sees their own numbers in full (api.md).
    idNumber: selfView ? await unseal(account.idNumberSealed) : account.idNumberMasked,
    phone: selfView ? await unseal(account.phoneSealed) : account.phoneMasked,
    roles: account.roles,
    regionCode: account.regionCode,
    regionName: region?.name,
    pointId: account.pointId,
    status: account.status,
  };
}

export async function pollQrLogin(ctx: RequestCtx, sessionId: string) {
  const qr = await getItem<QrSessionAttrs & { sid?: string }>(QrSession.key({ sessionId }), true);
  if (!qr) throw new NotFound('登录会话不存在', 'QR_SESSION_NOT_FOUND');
  if (qr.status === 'pending') {
    return { status: new Date(qr.expiresAt).getTime() < ctx.now.getTime() ? ('expired' as const) : ('pending' as const) };
  }
  if (qr.status === 'consumed' || !qr.sid) return { status: 'consumed' as const };
  // Hand the token over exactly once: the consume is conditional on the confirmed state.
  try {
    await new Tx(ctx)
      .update(QrSession.key({ sessionId }), 'SET #s = :consumed', {
        condition: '#s = :confirmed',
        names: { '#s': 'status' },
        values: { ':consumed': 'consumed', ':confirmed': 'confirmed' },
        conflict: { code: 'QR_SESSION_USED', message: '令牌已领取' },
      })
      .log({ action: 'auth.token_issued', targetType: 'QrSession', targetId: sessionId.slice(0, 8) })
      .commit();
  } catch (e) {
    if (e instanceof Conflict) return { status: 'consumed' as const };
    throw e;
  }
  const session = await getItem<SessionAttrs>(Session.key({ sid: qr.sid }), true);
  if (!session) throw new NotFound('会话不存在');
  const account = session.accountId ? await getItem<AccountAttrs>(Account.key({ id: session.accountId }), true) : undefined;
  const expiresAt = new Date(session.expiresAt);
  const token = await signSessionToken(
    { sid: session.sid, sub: session.accountId ?? 'citizen', ep: account?.sessionEpoch ?? 0 },
    ctx.now,
    expiresAt,
  );
  return { status: 'confirmed' as const, token, expiresAt: isoShanghai(expiresAt), idleSeconds: idleSecondsOf(session), account: await describe(session, account, true) };
}

function sessionOf(p: Principal): string {
  if (p.kind === 'anonymous') throw new Unauthorized();
  return p.sid;
}

export async function logout(ctx: RequestCtx) {
  const sid = sessionOf(ctx.principal);
  await new Tx(ctx)
    .update(Session.key({ sid }), 'SET revoked = :t', { values: { ':t': true } })
    .log({ action: 'auth.logout', targetType: 'Session', targetId: sid.slice(0, 8) })
    .commit();
  return { status: 'logged_out' as const };
}

export async function me(ctx: RequestCtx) {
  const p = ctx.principal;
  sessionOf(p);
  // The authorizer has just checked the session; only the account's sealed numbers are read here.
  if (p.kind === 'citizen') return { kind: 'citizen' as const, idNumber: await unseal(p.idNumberSealed) };
  if (p.kind !== 'staff') throw new Unauthorized();
  const account = await getItem<AccountAttrs>(Account.key({ id: p.accountId }));
  return describe({ sid: p.sid, kind: 'staff', accountId: p.accountId } as SessionAttrs, account, true);
}

/**
 * The authorizer's work: token → session → account, in one signature check and one BatchGet.
 * Every request re-reads the account, so a freeze or lock takes effect on the next request.
 */
export async function authenticate(authorization: string | undefined, now: Date): Promise<AuthorizerContext> {
  if (!authorization) return { authState: 'none' };
  const m = /^Bearer ([A-Za-z0-9._-]{10,4096})$/.exec(authorization.trim());
  if (!m) return { authState: 'invalid' };
  const claims = await verifySessionToken(m[1]!, now);
  if (!claims) return { authState: 'invalid' };
  const keys = [Session.key({ sid: claims.sid })];
  if (claims.sub !== 'citizen') keys.push(Account.key({ id: claims.sub }));
  const [session, account] = (await getItems<SessionAttrs & AccountAttrs>(keys)) as [SessionAttrs | undefined, AccountAttrs | undefined];
  if (!session || session.revoked) return { authState: 'invalid' };
  if (new Date(session.expiresAt).getTime() <= now.getTime()) return { authState: 'expired' };
  const idleMs = now.getTime() - new Date(session.lastSeenAt).getTime();
  if (idleMs > idleSecondsOf(session) * 1000) return { authState: 'expired' };

  let principal: Principal;
  if (session.kind === 'staff') {
    if (!account || account.id !== session.accountId) return { authState: 'invalid' };
    if (account.status === 'frozen') return { authState: 'frozen' };
    if (account.status === 'locked') return { authState: 'locked' };
    if (account.status === 'deregistered') return { authState: 'deregistered' };
    if (account.sessionEpoch !== claims.ep) return { authState: 'invalid' };
    principal = {
      kind: 'staff',
      accountId: account.id,
      name: account.name,
      roles: account.roles,
      regionCode: account.regionCode,
      regionPath: account.regionPath,
      scopeBucket: account.scopeBucket,
      pointId: account.pointId,
      sid: session.sid,
    };
  } else {
    principal = { kind: 'citizen', personIndex: session.personIndex!, idNumberSealed: session.idNumberSealed!, sid: session.sid };
  }
  if (idleMs > touchEverySecondsOf(session) * 1000) {
    // Heartbeat, not a business change: no operation-log entry.
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: Session.key({ sid: session.sid }),
        UpdateExpression: 'SET lastSeenAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }),
    );
  }
  return { authState: 'ok', principal: JSON.stringify(principal) };
}
