import * as z from 'zod';
import { ulidId } from '../../shared/http/schemas';
import { AcceptCaseBody, ApplicantInput } from './schemas';

/** What a kiosk signs for an offline batch (functions/cases/kiosk-batches.ts). */
export const KioskBatchCase = z.strictObject({
  /** The kiosk's own ULID for the case: the idempotency key of the upload. */
  clientId: ulidId,
  /** When the citizen stood at the kiosk, by the kiosk's clock (ISO with offset). */
  acceptedAtLocal: z.iso.datetime({ offset: true, message: '应为带时区的 ISO 时间' }),
  /** The citizen's e-SSC assertion (JWS from the issuer, nonce = clientId). */
  assertion: z.string().min(20).max(8000),
  itemCode: AcceptCaseBody.shape.itemCode,
  applicant: ApplicantInput,
  materialsNotified: AcceptCaseBody.shape.materialsNotified,
  materialsReceived: AcceptCaseBody.shape.materialsReceived,
});
export const KioskBatchPayload = z.strictObject({
  deviceId: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/),
  batchId: ulidId.optional(),
  signedAt: z.iso.datetime({ offset: true }).optional(),
  cases: z.array(KioskBatchCase).min(1, { message: '批次不能为空' }).max(40, { message: '每批最多 40 件（请求体上限 64 KB）' }),
});

const Refusal = z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() });
export const KioskBatchResultView = z
  .object({
    deviceId: z.string(),
    results: z.array(
      z.object({
        clientId: z.string(),
        result: z.enum(['accepted', 'duplicate', 'refused']),
        caseId: z.string().optional(),
        status: z.string().optional(),
        acceptedAt: z.string().optional(),
        dueDate: z.string().optional(),
        clamped: z.enum(['future', 'before_registration']).optional(),
        reason: Refusal.optional(),
      }),
    ),
  })
  .meta({ id: 'KioskBatchResult' });

/** `POST /kiosk/batches`: the compact JWS (ES256, kid = the kiosk's terminal id). */
export const KioskBatchBody = z.strictObject({ jws: z.string().min(20, { message: '应为 JWS 紧凑序列' }).max(1_000_000) });
