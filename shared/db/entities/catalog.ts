import { defineEntity, pad } from './define';

export const CHANNELS = ['window', 'self_service', 'assisted', 'home_visit'] as const;
export type Channel = (typeof CHANNELS)[number];

/** One service item of one catalogue version (K1, K2). */
export interface CatalogItemAttrs {
  version: number;
  code: string;
  group: 'employment' | 'social_security';
  category: string;
  nameZh: string;
  nameEn: string;
  /** Does the county review it (C3)? */
  review: 'none' | 'county';
  timeLimitWorkingDays: number;
  channels: Channel[];
  materials: string[];
  legalBasis?: string;
  /** The steps of handling, in order (四公开: printed on the 一次性告知书). */
  procedure?: string[];
  /** e.g. 不收费 */
  fees?: string;
  /** Where to complain (the county's human-resources bureau line). */
  complaintPhone?: string;
}
export const CatalogItem = defineEntity<CatalogItemAttrs, { version: number; code: string }>({
  type: 'CatalogItem',
  key: ({ version, code }) => ({ pk: `CATALOG#v${pad(version, 6)}`, sk: `ITEM#${code}` }),
});
export const catalogVersionItems = (version: number) => ({ pk: `CATALOG#v${pad(version, 6)}`, skPrefix: 'ITEM#' });

/** The version the public sees and new cases are accepted under. */
export interface CatalogCurrentAttrs {
  version: number;
  publishedAt: string;
  publishedBy: string;
  itemCount: number;
  note?: string;
}
export const CatalogCurrent = defineEntity<CatalogCurrentAttrs, object>({
  type: 'CatalogCurrent',
  key: () => ({ pk: 'CATALOG', sk: 'CURRENT' }),
});

/** Each published version's header (who, when, why, counts) — the version history. */
export interface CatalogVersionAttrs extends CatalogCurrentAttrs {
  overrideReason?: string;
  /**
   * A version being published is first reserved ('writing': its items go in several Tx), then
   * flipped to 'published' with CatalogCurrent. Seeded versions carry no status (= published).
   */
  status?: 'writing' | 'published';
  reservedBy?: string;
  reservedAt?: string;
  basedOn?: number;
  added?: string[];
  changed?: string[];
  retired?: string[];
}
export const CatalogVersion = defineEntity<CatalogVersionAttrs, { version: number }>({
  type: 'CatalogVersion',
  key: ({ version }) => ({ pk: 'CATALOG', sk: `VERSION#${pad(version, 6)}` }),
});
export const catalogVersions = () => ({ pk: 'CATALOG', skPrefix: 'VERSION#' });
