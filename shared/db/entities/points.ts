import { defineEntity } from './define';

/**
 * Service points (P1–P3). The core attributes below are relied on by other domains (cases
 * check the stage, kiosks check the terminal); the points domain owns the rest.
 */
export const POINT_STAGES = [
  'planned',
  'set_up',
  'agreement_signed',
  'accounts_configured',
  'trial_run',
  'accepted',
  'in_operation',
  'suspended',
  'closed',
] as const;
export type PointStage = (typeof POINT_STAGES)[number];
export const POINT_KINDS = ['township', 'community_committee', 'village', 'community'] as const;
export type PointKind = (typeof POINT_KINDS)[number];

/** P2: the base standard a point must meet (基础保障标准). */
export interface BaseStandard {
  office: boolean;
  furniture: boolean;
  computer: boolean;
  internet: boolean;
  /** Self-service kiosk: required for villages and communities only. */
  kiosk: boolean;
  publicBoard: boolean;
  staff: { name: string; type: 'full_time' | 'part_time' }[];
}

export interface PointAttrs {
  id: string;
  regionCode: string;
  regionPath: string;
  scopeBucket: string;
  kind: PointKind;
  name: string;
  address: string;
  location?: { lat: number; lng: number };
  /** The point's public contact number (a landline or the service mobile; not a person's data). */
  phone?: string;
  stage: PointStage;
  createdAt: string;
  version: number;
  // ── owned by the points domain (optional: older items and other domains' fixtures lack them)
  /** Date (YYYY-MM-DD) of the current stage. */
  stageDate?: string;
  /** While suspended: the stage it left, the only one it may return to. */
  resumeStage?: PointStage;
  baseStandard?: BaseStandard;
  /** Opening hours shown in the public directory. */
  hours?: string;
  updatedAt?: string;
}
export const Point = defineEntity<PointAttrs, { id: string }>({
  type: 'Point',
  key: ({ id }) => ({ pk: `POINT#${id}`, sk: 'POINT' }),
  // AP: points in a region subtree → gsi1 (bucket, path#id); by stage → gsi2 (bucket#stage, path#id)
  indexes: (p) => ({
    gsi1pk: `POINTS_IN#${p.scopeBucket}`,
    gsi1sk: `${p.regionPath}#${p.id}`,
    gsi2pk: `POINTS_STAGE#${p.scopeBucket}#${p.stage}`,
    gsi2sk: `${p.regionPath}#${p.id}`,
  }),
});
export const pointsInBucket = (bucket: string) => ({ index: 'gsi1' as const, pk: `POINTS_IN#${bucket}` });
export const pointsByStage = (bucket: string, stage: PointStage) => ({ index: 'gsi2' as const, pk: `POINTS_STAGE#${bucket}#${stage}` });

/** One lifecycle transition (P3): from, to, date, note and who recorded it. Never changed. */
export interface PointStageChangeAttrs {
  id: string;
  pointId: string;
  from: PointStage;
  to: PointStage;
  date: string;
  note?: string;
  recordedBy: string;
  recordedByName?: string;
  recordedAt: string;
}
export const PointStageChange = defineEntity<PointStageChangeAttrs, { pointId: string; id: string }>({
  type: 'PointStageChange',
  key: ({ pointId, id }) => ({ pk: `POINT#${pointId}`, sk: `STAGE#${id}` }),
});
export const pointStageHistory = (pointId: string) => ({ pk: `POINT#${pointId}`, skPrefix: 'STAGE#' });

/** P4: the cooperation agreement between the county HR bureau and the local unit (one per point). */
export interface AgreementAttrs {
  pointId: string;
  countyParty: string;
  localParty: string;
  content: string;
  rightsAndDuties: string;
  responsibilities: string;
  majorProblemHandling: string;
  parties?: string[];
  signedOn: string;
  termStart?: string;
  termEnd?: string;
  /** The term as written, when the agreement states it in words ("三年"). */
  term?: string;
  recordedBy: string;
  recordedAt: string;
  version: number;
}
export const Agreement = defineEntity<AgreementAttrs, { pointId: string }>({
  type: 'Agreement',
  key: ({ pointId }) => ({ pk: `POINT#${pointId}`, sk: 'AGREEMENT' }),
});

export const INSPECTION_ITEMS = ['hasSign', 'hasWindow', 'hasEquipment', 'hasStaff', 'hasNetwork', 'hasSystem', 'canHandle'] as const;
export type InspectionItem = (typeof INSPECTION_ITEMS)[number];

/** P5: one acceptance inspection; re-inspections add another. */
export interface InspectionAttrs {
  id: string;
  pointId: string;
  date: string;
  inspector: string;
  checklist: Record<InspectionItem, boolean>;
  /** The base standard judged (absent when none was given or recorded: the checklist alone decides). */
  baseStandard?: BaseStandard;
  passed: boolean;
  result?: 'passed' | 'failed';
  failedItems: string[];
  remarks?: string;
  recordedBy: string;
  recordedAt: string;
}
export const Inspection = defineEntity<InspectionAttrs, { pointId: string; id: string }>({
  type: 'Inspection',
  key: ({ pointId, id }) => ({ pk: `POINT#${pointId}`, sk: `INSPECTION#${id}` }),
});
export const inspectionsOfPoint = (pointId: string) => ({ pk: `POINT#${pointId}`, skPrefix: 'INSPECTION#' });

/** The latest inspection's verdict, checked (ConditionCheck) by the `accepted` transition. */
export interface LatestInspectionAttrs {
  pointId: string;
  inspectionId: string;
  date: string;
  passed: boolean;
}
export const LatestInspection = defineEntity<LatestInspectionAttrs, { pointId: string }>({
  type: 'LatestInspection',
  key: ({ pointId }) => ({ pk: `POINT#${pointId}`, sk: 'INSPECTION_LATEST' }),
});

export const DEVICE_STAGES = ['delivered', 'distributed', 'registered', 'installed', 'debugged', 'asset_transferred'] as const;
export type DeviceStage = (typeof DEVICE_STAGES)[number];

/** A self-service kiosk (P6); its id is the terminal id a kiosk sends as X-Terminal-Id. */
export interface DeviceAttrs {
  id: string;
  pointId: string;
  regionPath: string;
  scopeBucket: string;
  serialNumber: string;
  assetNumber?: string;
  stage: DeviceStage;
  createdAt: string;
  version: number;
  // ── owned by the points domain
  regionCode?: string;
  model?: string;
  /** The date each stage was reached (progress as of any date is computed from these). */
  stageDates?: Partial<Record<DeviceStage, string>>;
  updatedAt?: string;
  /** The kiosk's ECDSA P-256 public key (JWK), given at `registered`: it signs offline batches. */
  publicKey?: { kty: 'EC'; crv: 'P-256'; x: string; y: string };
  /** When the key was registered: no offline case is dated before it. */
  keyRegisteredAt?: string;
}
export const Device = defineEntity<DeviceAttrs, { id: string }>({
  type: 'Device',
  key: ({ id }) => ({ pk: `DEVICE#${id}`, sk: 'DEVICE' }),
  // AP: kiosks of a point → gsi1; kiosks in a county → gsi2 (progress against milestones)
  indexes: (d) => ({
    gsi1pk: `DEVICES_OF#${d.pointId}`,
    gsi1sk: d.id,
    gsi2pk: `DEVICES_IN#${d.scopeBucket}`,
    gsi2sk: `${d.regionPath}#${d.id}`,
  }),
});
export const devicesOfPoint = (pointId: string) => ({ index: 'gsi1' as const, pk: `DEVICES_OF#${pointId}` });
export const devicesInBucket = (bucket: string) => ({ index: 'gsi2' as const, pk: `DEVICES_IN#${bucket}` });

/**
 * The point's kiosk slot: one kiosk per village/community point (plan: 1台), taken with a
 * conditional Put; it mirrors the kiosk's stage so that the `accepted` transition can
 * ConditionCheck it and the public directory can BatchGet it.
 */
export interface PointKioskAttrs {
  pointId: string;
  deviceId: string;
  stage: DeviceStage;
}
export const PointKiosk = defineEntity<PointKioskAttrs, { pointId: string }>({
  type: 'PointKiosk',
  key: ({ pointId }) => ({ pk: `POINT#${pointId}`, sk: 'KIOSK' }),
});

/** A kiosk serial number is unique (a uniqueness item written with the device). */
export const DeviceSerial = defineEntity<{ serialNumber: string; deviceId: string }, { serialNumber: string }>({
  type: 'DeviceSerial',
  key: ({ serialNumber }) => ({ pk: `DEVICE_SERIAL#${serialNumber}`, sk: 'DEVICE' }),
});

/** P7: the subsidy a county received for a year (1,500 yuan per point), computed from its points. */
export interface FundAllocationAttrs {
  countyCode: string;
  year: number;
  pointCount: number;
  perPointFen: number;
  totalFen: number;
  receivedOn: string;
  allocatedBy: string;
  allocatedAt: string;
}
export const FundAllocation = defineEntity<FundAllocationAttrs, { countyCode: string; year: number }>({
  type: 'FundAllocation',
  key: ({ countyCode, year }) => ({ pk: `FUNDS#${countyCode}`, sk: `ALLOCATION#${year}` }),
});

/** A point's subsidy account for a year: allocated, spent and the balance (integer fen). */
export interface PointFundAttrs {
  pointId: string;
  year: number;
  regionPath: string;
  scopeBucket: string;
  allocatedFen: number;
  spentFen: number;
  balanceFen: number;
}
export const PointFund = defineEntity<PointFundAttrs, { pointId: string; year: number }>({
  type: 'PointFund',
  key: ({ pointId, year }) => ({ pk: `POINT#${pointId}`, sk: `FUND#${year}` }),
  // AP: point funds of a county-year in a region subtree → gsi3 (bucket#year, path#pointId)
  indexes: (f) => ({ gsi3pk: `FUNDS_IN#${f.scopeBucket}#${f.year}`, gsi3sk: `${f.regionPath}#${f.pointId}` }),
});
export const pointFundsInBucket = (bucket: string, year: number) => ({ index: 'gsi3' as const, pk: `FUNDS_IN#${bucket}#${year}` });

export const EXPENDITURE_CATEGORIES = ['network', 'publicity'] as const;
export type ExpenditureCategory = (typeof EXPENDITURE_CATEGORIES)[number];

/** One expenditure of a point's subsidy (network, publicity) with its voucher. Never changed. */
export interface ExpenditureAttrs {
  id: string;
  pointId: string;
  regionPath: string;
  scopeBucket: string;
  year: number;
  category: ExpenditureCategory;
  amountFen: number;
  date: string;
  voucherNumber: string;
  note?: string;
  recordedBy: string;
  recordedAt: string;
}
export const Expenditure = defineEntity<ExpenditureAttrs, { pointId: string; id: string }>({
  type: 'Expenditure',
  key: ({ pointId, id }) => ({ pk: `POINT#${pointId}`, sk: `SPEND#${id}` }),
  // AP: expenditures of a county-year by date → gsi1 (bucket#year, date#id); filter by region path
  indexes: (e) => ({ gsi1pk: `SPENDING_IN#${e.scopeBucket}#${e.year}`, gsi1sk: `${e.date}#${e.id}` }),
});
export const expendituresInBucket = (bucket: string, year: number) => ({ index: 'gsi1' as const, pk: `SPENDING_IN#${bucket}#${year}` });
export const expendituresOfPoint = (pointId: string) => ({ pk: `POINT#${pointId}`, skPrefix: 'SPEND#' });

/** A voucher number is used once per county (a uniqueness item written with the expenditure). */
export const Voucher = defineEntity<{ countyCode: string; voucherNumber: string; expenditureId: string }, { countyCode: string; voucherNumber: string }>({
  type: 'Voucher',
  key: ({ countyCode, voucherNumber }) => ({ pk: `VOUCHER#${countyCode}#${voucherNumber}`, sk: 'VOUCHER' }),
});
