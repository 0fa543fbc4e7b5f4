import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import { getItem } from '../../shared/db/store';
import { KioskClientCase, type KioskClientCaseAttrs } from '../../shared/db/entities';
import type { RequestCtx } from '../../shared/http/context';
import { AppError, BadRequest, Conflict, Forbidden, type FieldIssue } from '../../shared/http/errors';
import { isoShanghai } from '../../shared/clock';
import { config } from '../../shared/config';
import { blindIndex, seal } from '../../shared/security/crypto';
import { verifyOfflineAssertion } from '../auth/assertion';
import { acceptCase } from './service';
import { getKiosk } from './store';
import { KioskBatchPayload } from './kiosk-batch-schemas';

/**
 * Offline kiosks (P6, C1). A village kiosk that lost its connection keeps accepting
 * self-service cases and uploads them later as one JWS (ES256) signed by its own device key,
 * registered with the kiosk at `registered`. The batch is verified whole (device, signature,
 * shape) before anything is written; then each case on its own: the citizen's e-SSC assertion
 * (issuer signature, nonce = the case's client id, at most the offline window old), at most once
 * per client id (a marker in the acceptance's transaction), and accepted through the kiosk's
 * ordinary self-service path (acceptCase) with its clock at the local acceptance time.
 */
export const SKEW_MS = 5 * 60_000;
const KIOSK_READY = ['registered', 'installed', 'debugged', 'asset_transferred'];

export type BatchCaseResult =
  | { clientId: string; result: 'accepted'; caseId: string; status: string; acceptedAt: string; dueDate: string; clamped?: 'future' | 'before_registration' }
  | { clientId: string; result: 'duplicate'; caseId: string }
  | { clientId: string; result: 'refused'; reason: { code: string; message: string; details?: unknown } };

const refuseWhole = (message: string, code = 'BATCH_SIGNATURE_INVALID') => new Forbidden(message, code);

/** The local acceptance time, clamped: not after the upload (beyond the skew), not before the key was registered. */
export function clampLocalTime(local: Date, receivedAt: Date, registeredAt: Date | undefined): { at: Date; clamped?: 'future' | 'before_registration' } {
  if (local.getTime() > receivedAt.getTime() + SKEW_MS) return { at: receivedAt, clamped: 'future' };
  let at = local.getTime() > receivedAt.getTime() ? receivedAt : local;
  if (registeredAt && at.getTime() < registeredAt.getTime()) return { at: registeredAt, clamped: 'before_registration' };
  return { at };
}

export async function uploadBatch(ctx: RequestCtx, body: { jws: string }): Promise<{ deviceId: string; results: BatchCaseResult[] }> {
  // The whole batch: whose it is, that its key signed it, that it is well formed.
  let kid: string | undefined;
  try {
    const h = decodeProtectedHeader(body.jws);
    if (h.alg !== 'ES256') throw new Error('alg');
    kid = typeof h.kid === 'string' ? h.kid : undefined;
  } catch {
    throw refuseWhole('批次签名无效：应为设备密钥 (ES256) 签名的 JWS');
  }
  if (!kid) throw refuseWhole('批次签名无效：缺少设备编号 (kid)');
  const device = await getKiosk(kid);
  if (!device || !device.publicKey || !KIOSK_READY.includes(device.stage)) throw refuseWhole('设备未登记或未登记公钥', 'DEVICE_NOT_REGISTERED');
  let payloadText: string;
  try {
    const { payload } = await compactVerify(body.jws, await importJWK({ ...device.publicKey }, 'ES256'));
    payloadText = new TextDecoder().decode(payload);
  } catch {
    // Signed by another key, or any byte of it changed.
    throw refuseWhole('批次签名校验失败：非本设备签名或内容被改动');
  }
  let json: unknown;
  try {
    json = JSON.parse(payloadText);
  } catch {
    throw new BadRequest('批次内容不是 JSON', [{ field: 'body.jws', message: '批次内容不是 JSON' }]);
  }
  const parsed = KioskBatchPayload.safeParse(json);
  if (!parsed.success) {
    const issues: FieldIssue[] = parsed.error.issues.map((i) => ({ field: ['batch', ...i.path].join('.'), message: i.message }));
    throw new BadRequest(issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues);
  }
  const batch = parsed.data;
  if (batch.deviceId !== device.id) throw refuseWhole('批次中的设备编号与签名设备不一致');
  const seen = new Set<string>();
  for (const [i, c] of batch.cases.entries()) {
    if (seen.has(c.clientId)) throw new BadRequest(`batch.cases.${i}.clientId: 同一批次中重复`, [{ field: `batch.cases.${i}.clientId`, message: '同一批次中重复' }]);
    seen.add(c.clientId);
  }

  const receivedAt = ctx.now;
  const windowSeconds = config().kioskOfflineWindowSeconds;
  const registeredAt = device.keyRegisteredAt ? new Date(device.keyRegisteredAt) : undefined;
  const results: BatchCaseResult[] = [];
  for (const item of batch.cases) {
    const marker = await getItem<KioskClientCaseAttrs>(KioskClientCase.key({ deviceId: device.id, clientId: item.clientId }), true);
    if (marker) {
      results.push({ clientId: item.clientId, result: 'duplicate', caseId: marker.caseId });
      continue;
    }
    const who = await verifyOfflineAssertion(item.assertion, item.clientId, receivedAt, windowSeconds);
    if (!who.ok) {
      results.push({
        clientId: item.clientId,
        result: 'refused',
        reason: who.tooOld
          ? { code: 'ASSERTION_TOO_OLD', message: `电子社保卡身份凭证已超过离线受理时限（${windowSeconds / 3600} 小时）` }
          : { code: 'ASSERTION_INVALID', message: '电子社保卡身份凭证无效（签名、用途或本件编号不符）' },
      });
      continue;
    }
    const { at, clamped } = clampLocalTime(new Date(item.acceptedAtLocal), receivedAt, registeredAt);
    const [personIndex, idNumberSealed] = await Promise.all([blindIndex('id', who.idNumber), seal(who.idNumber)]);
    // The kiosk's own self-service path, as if the citizen stood there at the local time.
    const offlineCtx: RequestCtx = {
      ...ctx,
      principal: { kind: 'citizen', personIndex, idNumberSealed, sid: `offline:${device.id}` },
      terminalId: device.id,
      now: at,
    };
    try {
      const view = await acceptCase(
        offlineCtx,
        {
          itemCode: item.itemCode,
          channel: 'self_service',
          applicant: item.applicant,
          materialsNotified: item.materialsNotified,
          materialsReceived: item.materialsReceived,
        },
        (tx, c) => {
          tx.put(
            KioskClientCase.item({ deviceId: device.id, clientId: item.clientId, caseId: c.id, acceptedAtLocal: item.acceptedAtLocal, acceptedAt: c.acceptedAt, receivedAt: isoShanghai(receivedAt) }),
            { conflict: { code: 'DUPLICATE_CLIENT_ID', message: '此件已上传' } },
          ).log({
            action: 'case.offline_uploaded',
            targetType: 'Case',
            targetId: c.id,
            after: { clientId: item.clientId, acceptedAtLocal: item.acceptedAtLocal, acceptedAt: c.acceptedAt, receivedAt: isoShanghai(receivedAt), ...(clamped ? { clamped } : {}) },
            countyCode: c.scopeBucket,
            regionCode: c.regionCode,
            pointId: c.pointId,
          });
        },
      );
      results.push({ clientId: item.clientId, result: 'accepted', caseId: view.id, status: view.status, acceptedAt: view.acceptedAt, dueDate: view.dueDate, ...(clamped ? { clamped } : {}) });
    } catch (e) {
      if (e instanceof Conflict && e.code === 'DUPLICATE_CLIENT_ID') {
        // Another upload of the same batch got there first.
        const theirs = await getItem<KioskClientCaseAttrs>(KioskClientCase.key({ deviceId: device.id, clientId: item.clientId }), true);
        if (theirs) {
          results.push({ clientId: item.clientId, result: 'duplicate', caseId: theirs.caseId });
          continue;
        }
      }
      if (e instanceof AppError && e.status < 500) {
        results.push({ clientId: item.clientId, result: 'refused', reason: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } });
        continue;
      }
      throw e;
    }
  }
  return { deviceId: device.id, results };
}
