import { getItems } from '../../shared/db/store';
import { CatalogItem, Point, type CaseAttrs, type CaseStepAttrs, type CatalogItemAttrs, type PointAttrs } from '../../shared/db/entities';
import type { RequestCtx } from '../../shared/http/context';
import { Conflict, Forbidden, NotFound } from '../../shared/http/errors';
import { config } from '../../shared/config';
import { isoShanghai } from '../../shared/clock';
import { requireCaseRights, requirePointScope, requireStaff } from '../../shared/security/authorize';
import { maySeeCheckCode } from './numbering';
import { caseWithSteps } from './store';

/**
 * The printed pages of a case (console print views): 受理回执, 一次性告知书, 补正材料通知书 —
 * everything the page shows, the applicant always masked (a printed page leaves the office).
 * For the case's own people: the operators of its point, the county's reviewers, the applicant.
 */
import type { DocumentKind } from './schemas';

const TITLES: Record<DocumentKind, string> = {
  receipt: '受理回执',
  notification: '一次性告知书',
  'supplement-notice': '补正材料通知书',
};

/** The public status page the receipt's QR opens: number and check code prefilled. */
export function statusUrlOf(number: string, checkCode: string): string {
  const url = new URL(config().publicStatusUrl);
  url.searchParams.set('number', number);
  url.searchParams.set('code', checkCode);
  return url.toString();
}

async function readableCase(ctx: RequestCtx, id: string): Promise<{ c: CaseAttrs; steps: CaseStepAttrs[] }> {
  const { found, steps } = await caseWithSteps(id);
  const p = ctx.principal;
  if (p.kind === 'citizen') {
    if (!found || found.applicantIndex !== p.personIndex) throw new NotFound('办件不存在', 'CASE_NOT_FOUND');
    return { c: found, steps };
  }
  const staff = requireStaff(ctx);
  requireCaseRights(staff, 'operator', 'reviewer', 'supervisor');
  if (!found) throw new NotFound('办件不存在', 'CASE_NOT_FOUND');
  requirePointScope(staff, found.regionPath, found.pointId, '办件');
  // In scope but not the case's own staff (a supervisor): the pages carry the check code.
  if (!maySeeCheckCode(ctx, found)) throw new Forbidden('仅本服务点经办人员和县级审核人员可打印办件文书', 'NOT_CASE_STAFF');
  return { c: found, steps };
}

/** The last return of the case (the decision on the case may since have moved on). */
function lastReturn(steps: CaseStepAttrs[]): CaseStepAttrs | undefined {
  return steps.filter((s) => s.action === 'review.return').sort((a, b) => (a.id < b.id ? 1 : -1))[0];
}

export async function caseDocument(ctx: RequestCtx, id: string, kind: DocumentKind) {
  const { c, steps } = await readableCase(ctx, id);
  const returned = kind === 'supplement-notice' ? lastReturn(steps) : undefined;
  if (kind === 'supplement-notice' && !returned) {
    throw new Conflict('此件未被退回补正，没有补正材料通知书', 'NOT_RETURNED', { status: c.status });
  }
  // The point as it stands and the item as it stood when the case was accepted: one BatchGet.
  const [point, item] = (await getItems<Record<string, unknown>>([Point.key({ id: c.pointId }), CatalogItem.key({ version: c.catalogVersion, code: c.itemCode })])) as [
    PointAttrs | undefined,
    CatalogItemAttrs | undefined,
  ];
  const statusUrl = statusUrlOf(c.number, c.checkCode);
  return {
    kind,
    title: TITLES[kind],
    caseId: c.id,
    number: c.number,
    checkCode: c.checkCode,
    itemCode: c.itemCode,
    itemName: c.itemName,
    catalogVersion: c.catalogVersion,
    channel: c.channel,
    applicant: { name: c.applicant.name, idNumber: c.applicant.idNumberMasked, phone: c.applicant.phoneMasked },
    ...(c.proxy ? { proxy: { name: c.proxy.name, idNumber: c.proxy.idNumberMasked, phone: c.proxy.phoneMasked, relation: c.proxy.relation } } : {}),
    point: {
      id: c.pointId,
      name: c.pointName,
      ...(point?.address ? { address: point.address } : {}),
      // Points carry a phone once the points domain records it (api.md "Points: phone").
      ...(typeof (point as { phone?: unknown } | undefined)?.phone === 'string' ? { phone: (point as unknown as { phone: string }).phone } : {}),
    },
    clerk: { id: c.acceptorId, name: c.acceptorName },
    acceptedAt: c.acceptedAt,
    acceptDate: c.acceptDate,
    dueDate: c.dueDate,
    timeLimitWorkingDays: c.item.timeLimitWorkingDays,
    needsReview: c.item.review !== 'none',
    calendarProvisional: c.calendarProvisional,
    status: c.status,
    materialsNotified: c.materialsNotified,
    materialsReceived: c.materialsReceived,
    materialsOutstanding: c.materialsNotified.filter((m) => !c.materialsReceived.includes(m)),
    statusUrl,
    /** What the receipt's QR encodes. */
    statusQrContent: statusUrl,
    ...(kind === 'notification'
      ? {
          notification: {
            itemName: c.itemName,
            materials: c.item.materials,
            timeLimitWorkingDays: c.item.timeLimitWorkingDays,
            channels: c.item.channels,
            ...(item?.legalBasis ? { legalBasis: item.legalBasis } : {}),
            procedure: item?.procedure ?? [],
            ...(item?.fees ? { fees: item.fees } : {}),
            ...(item?.complaintPhone ? { complaintPhone: item.complaintPhone } : {}),
          },
        }
      : {}),
    ...(returned
      ? {
          supplement: {
            missingMaterials: ((returned.details?.missingMaterials as string[] | undefined) ?? []),
            ...(returned.note ? { reason: returned.note } : {}),
            askedBy: returned.actorName ?? returned.actorId,
            askedAt: returned.at,
          },
        }
      : {}),
    issuedAt: isoShanghai(ctx.now),
  };
}
