import { defineEntity } from './define';

export const ROLES = ['sys_admin', 'biz_admin', 'operator', 'reviewer', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];
export const ACCOUNT_STATUSES = ['active', 'frozen', 'locked', 'deregistered'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** A staff account (A1): real name, sealed ID number and phone, region, point, roles. */
export interface AccountAttrs {
  id: string;
  name: string;
  idNumberSealed: string;
  idNumberMasked: string;
  personIndex: string;
  phoneSealed: string;
  phoneMasked: string;
  regionCode: string;
  regionPath: string;
  /** The county the account belongs to, or 'province'/'city' code bucket for higher levels. */
  scopeBucket: string;
  pointId?: string;
  roles: Role[];
  status: AccountStatus;
  createdAt: string;
  lastLoginAt?: string;
  /** Bumped by freeze/lock/deregister: tokens carry the epoch they were issued under. */
  sessionEpoch: number;
  version: number;
  /** The request (用户申请（变更）单) the account was created or last changed from. */
  requestId?: string;
  /**
   * Which level manages the account (creates, freezes, links roles): the province for admin
   * posts and accounts above a county, else the county. Fixed by the request the account came
   * from; absent on bootstrap and test accounts (then derived from roles and region).
   */
  managerLevel?: 'province' | 'county';
  /** An approved request whose roles the business admin has yet to link. */
  pendingRequestId?: string;
  /** When an admin last unlocked it: counts as activity for the 3-month rule (A8). */
  unlockedAt?: string;
  frozenAt?: string;
  lockedAt?: string;
  deregisteredAt?: string;
  /** Why the last status change happened (freeze report, deregistration reason). */
  statusReason?: string;
  /** Roles held at deregistration, kept for the record; a deregistered account holds none. */
  formerRoles?: Role[];
}
export const Account = defineEntity<AccountAttrs, { id: string }>({
  type: 'Account',
  key: ({ id }) => ({ pk: `ACCOUNT#${id}`, sk: 'ACCOUNT' }),
  // AP: accounts in a region subtree → gsi1 (bucket, path#id), begins_with(path)
  // AP: accounts by status in a bucket → gsi2 (bucket#status, path#id)
  indexes: (a) => ({
    gsi1pk: `ACCOUNTS_IN#${a.scopeBucket}`,
    gsi1sk: `${a.regionPath}#${a.id}`,
    gsi2pk: `ACCOUNTS_STATUS#${a.scopeBucket}#${a.status}`,
    gsi2sk: `${a.regionPath}#${a.id}`,
  }),
});
export const accountsInBucket = (bucket: string) => ({ index: 'gsi1' as const, pk: `ACCOUNTS_IN#${bucket}` });
export const accountsByStatus = (bucket: string, status: AccountStatus) => ({
  index: 'gsi2' as const,
  pk: `ACCOUNTS_STATUS#${bucket}#${status}`,
});

/** One live account per person (ID number): a uniqueness item keyed by the blind index. */
export const PersonAccount = defineEntity<{ personIndex: string; accountId: string }, { personIndex: string }>({
  type: 'PersonAccount',
  key: ({ personIndex }) => ({ pk: `PERSON#${personIndex}`, sk: 'ACCOUNT' }),
});

export const ACCOUNT_REQUEST_KINDS = ['create', 'change', 'deregister'] as const;
export type AccountRequestKind = (typeof ACCOUNT_REQUEST_KINDS)[number];
export const ACCOUNT_REQUEST_STATUSES = ['filed', 'approved', 'rejected', 'fulfilled'] as const;
export type AccountRequestStatus = (typeof ACCOUNT_REQUEST_STATUSES)[number];

/**
 * The 用户申请（变更）单 (A4): filed by the grassroots unit (or the county on its behalf),
 * decided one level up, fulfilled by the system admin (account) and the business admin (roles).
 * Kept for ever: closed forms make the monthly archive for the city.
 */
export interface AccountRequestAttrs {
  id: string;
  kind: AccountRequestKind;
  status: AccountRequestStatus;
  person: {
    name: string;
    idNumberSealed: string;
    idNumberMasked: string;
    personIndex: string;
    phoneSealed: string;
    phoneMasked: string;
  };
  regionCode: string;
  regionPath: string;
  scopeBucket: string;
  pointId?: string;
  roles: Role[];
  note?: string;
  /** Level that decides and fulfils this form. */
  managerLevel: 'province' | 'county';
  /** change / deregister: the person's live account at filing. */
  accountId?: string;
  filedBy: { accountId: string; name: string; regionCode: string };
  filedAt: string;
  decision?: { approve: boolean; reason?: string; byAccountId: string; byName: string; at: string };
  accountCreatedAt?: string;
  accountCreatedBy?: string;
  rolesLinkedAt?: string;
  rolesLinkedBy?: string;
  /** Month (YYYY-MM, Asia/Shanghai) the form was closed (fulfilled or rejected): its archive month. */
  closedMonth?: string;
  closedAt?: string;
  version: number;
}
export const AccountRequest = defineEntity<AccountRequestAttrs, { id: string }>({
  type: 'AccountRequest',
  key: ({ id }) => ({ pk: `ACCOUNT_REQUEST#${id}`, sk: 'ACCOUNT_REQUEST' }),
  // AP: requests in a region subtree → gsi1 (bucket, path#id)
  // AP: requests by status in a region (the county's queue; open requests for the audit) → gsi2
  // AP: closed forms of a month in a region subtree (the archive for the city) → gsi3 (month, path#id)
  indexes: (r) => ({
    gsi1pk: `ACCOUNT_REQUESTS_IN#${r.scopeBucket}`,
    gsi1sk: `${r.regionPath}#${r.id}`,
    gsi2pk: `ACCOUNT_REQUESTS_STATUS#${r.scopeBucket}#${r.status}`,
    gsi2sk: `${r.regionPath}#${r.id}`,
    ...(r.closedMonth ? { gsi3pk: `ACCOUNT_REQUESTS_CLOSED#${r.closedMonth}`, gsi3sk: `${r.regionPath}#${r.id}` } : {}),
  }),
});
export const accountRequestsInBucket = (bucket: string) => ({ index: 'gsi1' as const, pk: `ACCOUNT_REQUESTS_IN#${bucket}` });
export const accountRequestsByStatus = (bucket: string, status: AccountRequestStatus) => ({
  index: 'gsi2' as const,
  pk: `ACCOUNT_REQUESTS_STATUS#${bucket}#${status}`,
});
export const accountRequestsClosedIn = (month: string) => ({ index: 'gsi3' as const, pk: `ACCOUNT_REQUESTS_CLOSED#${month}` });

/** The monthly account audit (A7) of a county or the province: built once per closed month, kept. */
export interface AccountAuditAttrs {
  regionCode: string;
  month: string;
  builtAt: string;
  builtBy: string;
  report: unknown;
}
export const AccountAudit = defineEntity<AccountAuditAttrs, { regionCode: string; month: string }>({
  type: 'AccountAudit',
  key: ({ regionCode, month }) => ({ pk: `ACCOUNT_AUDIT#${regionCode}`, sk: `MONTH#${month}` }),
});

/**
 * A refused attempt to handle or review one's own case (conflict of interest), kept for the
 * monthly account audit of the county.
 */
export interface ConflictAttemptAttrs {
  countyCode: string;
  month: string;
  id: string;
  accountId: string;
  name: string;
  regionCode: string;
  action: 'accept' | 'handle' | 'review';
  caseId?: string;
  at: string;
}
// AP: conflict-of-interest attempts of a county in a month (account audit) → Query pk
export const ConflictAttempt = defineEntity<ConflictAttemptAttrs, { countyCode: string; month: string; id: string }>({
  type: 'ConflictAttempt',
  key: ({ countyCode, month, id }) => ({ pk: `COI#${countyCode}#${month}`, sk: id }),
});
export const conflictAttemptsOf = (countyCode: string, month: string) => ({ pk: `COI#${countyCode}#${month}` });
