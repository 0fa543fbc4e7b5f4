import { defineEntity, pad } from './define';

/**
 * Supervision reports (R1–R4). A report is stored once per (type, region, period) and revision:
 * the header carries what was reported on and when it was made; the content (JSON, gzip) lies in
 * body parts under the same partition so that a large county report stays below the item limit.
 * A slot item per (type, region, period) names the current revision and makes "exists" a
 * condition of the write, so nothing is recomputed silently.
 */
export type ReportTrigger = 'schedule' | 'manual' | 'cli';

export interface ReportAttrs {
  id: string;
  type: 'weekly' | 'monthly' | 'quarterly';
  period: string;
  periodStart: string;
  periodEnd: string;
  regionCode: string;
  regionName: string;
  regionLevel: string;
  regionPath: string;
  revision: number;
  generatedAt: string;
  trigger: ReportTrigger;
  generatedBy?: { accountId: string; name: string };
  /** Why a revision was made again (R4: never recomputed silently). */
  reason?: string;
  /** Id of the revision this one replaces as current. */
  replaces?: string;
  /** Headline figures for list views. */
  summary: Record<string, number | null>;
  bodyParts: number;
  bodyBytes: number;
}
export const Report = defineEntity<ReportAttrs, { id: string }>({
  type: 'Report',
  key: ({ id }) => ({ pk: `REPORT#${id}`, sk: 'REPORT' }),
  // AP: reports of a region → gsi1 (REPORTS_OF#region, type#period#revision)
  indexes: (r) => ({
    gsi1pk: `REPORTS_OF#${r.regionCode}`,
    gsi1sk: `${r.type}#${r.period}#${pad(r.revision, 4)}`,
  }),
});
export const reportsOfRegion = (regionCode: string) => ({ index: 'gsi1' as const, pk: `REPORTS_OF#${regionCode}` });
export const reportSortPrefix = (type?: string, period?: string): string | undefined =>
  type ? (period ? `${type}#${period}#` : `${type}#`) : undefined;

/** One part of a report's content: gzip of the JSON, split at a fixed size. */
export interface ReportBodyAttrs {
  id: string;
  part: number;
  data: Uint8Array;
}
export const ReportBody = defineEntity<ReportBodyAttrs, { id: string; part: number }>({
  type: 'ReportBody',
  key: ({ id, part }) => ({ pk: `REPORT#${id}`, sk: `BODY#${pad(part, 4)}` }),
});
export const reportBodyParts = (id: string) => ({ pk: `REPORT#${id}`, skPrefix: 'BODY#' });

/** The current revision of a (type, region, period). */
export interface ReportSlotAttrs {
  type: string;
  regionCode: string;
  period: string;
  reportId: string;
  revision: number;
  version: number;
}
export const ReportSlot = defineEntity<ReportSlotAttrs, { type: string; regionCode: string; period: string }>({
  type: 'ReportSlot',
  key: ({ type, regionCode, period }) => ({ pk: `REPORT_SLOT#${type}#${regionCode}#${period}`, sk: 'SLOT' }),
});
