/**
 * Fixtures for the accounts tests only (never imported by a handler): points and extra regions
 * written straight into the test table, and raw status edits that stand in for past events.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../../shared/db/client';
import { getItem } from '../../shared/db/store';
import { Tx } from '../../shared/db/tx';
import { Account, Region, type AccountAttrs } from '../../shared/db/entities';
import { systemCtx } from '../../shared/http/context';
import type { TestApi } from '../../test/helpers/api';

/** A point in the table (see test/helpers/fixtures.ts). */
export { createPoint as putPoint } from '../../test/helpers/fixtures';

/** A second county under 临汾市 (汾西县) and one of its villages: records out of 蒲县's scope. */
export const OTHER_COUNTY = '141034000000';
export const OTHER_VILLAGE = '141034100201';
export async function putOtherCounty(): Promise<void> {
  const county = '140000000000/141000000000/141034000000';
  const tx = new Tx(systemCtx('test', new Date()));
  tx.put(Region.item({ code: OTHER_COUNTY, name: '汾西县', level: 'county', parentCode: '141000000000', path: county }), { overwrite: true });
  tx.put(Region.item({ code: '141034100000', name: '永安镇', level: 'township', parentCode: OTHER_COUNTY, path: `${county}/141034100000` }), { overwrite: true });
  tx.put(
    Region.item({ code: OTHER_VILLAGE, name: '测试村委会', level: 'village', parentCode: '141034100000', path: `${county}/141034100000/${OTHER_VILLAGE}` }),
    { overwrite: true },
  );
  await tx.log({ action: 'test.regions', targetType: 'Region', targetId: OTHER_COUNTY }).commit();
}

/** Sets raw attributes of an account (a past login, a status reached earlier) without the service; its index keys follow. */
export async function setAccountRaw(id: string, attrs: Record<string, unknown>): Promise<void> {
  const a = (await getItem<AccountAttrs>(Account.key({ id }), true))!;
  const { gsi1pk, gsi1sk, gsi2pk, gsi2sk } = Account.item({ ...a, ...attrs } as AccountAttrs);
  await setRaw(Account.key({ id }), { ...attrs, gsi1pk, gsi1sk, gsi2pk, gsi2sk });
}

/** The full A4 path over HTTP: file → decide → create → link roles; returns the new account id. */
export async function provisionOverHttp(
  api: TestApi,
  actors: { filer: string; decider: string; sysAdmin: string; bizAdmin: string },
  form: { person: { name: string; idNumber: string; phone: string }; regionCode: string; pointId?: string; roles: string[] },
): Promise<{ accountId: string; requestId: string }> {
  const filed = await api.call('POST', '/account-requests', { token: actors.filer, body: { kind: 'create', ...form } });
  if (filed.status !== 201) throw new Error(`file: ${filed.status} ${filed.text}`);
  const decided = await api.call('POST', `/account-requests/${filed.body.id}/decision`, { token: actors.decider, body: { approve: true, reason: '同意' } });
  if (decided.status !== 200) throw new Error(`decide: ${decided.status} ${decided.text}`);
  const created = await api.call('POST', '/accounts', { token: actors.sysAdmin, body: { requestId: filed.body.id } });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${created.text}`);
  const linked = await api.call('PUT', `/accounts/${created.body.id}/roles`, { token: actors.bizAdmin, body: { roles: form.roles, version: created.body.version } });
  if (linked.status !== 200) throw new Error(`roles: ${linked.status} ${linked.text}`);
  return { accountId: created.body.id, requestId: filed.body.id };
}

/** Sets raw attributes of any item (a form filed long ago) for fixtures. */
export async function setRaw(key: { pk: string; sk: string }, attrs: Record<string, unknown>): Promise<void> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(attrs).map(([k, v], i) => {
    names[`#a${i}`] = k;
    values[`:v${i}`] = v;
    return `#a${i} = :v${i}`;
  });
  await db().send(
    new UpdateCommand({ TableName: tableName(), Key: key, UpdateExpression: `SET ${sets.join(', ')}`, ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeNames: names, ExpressionAttributeValues: values }),
  );
}
