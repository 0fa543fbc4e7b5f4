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
  requestId?: string;
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
