import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../db/client';
import { ensureCursorKey, getItem } from '../db/store';
import { Tx } from '../db/tx';
import {
  Account,
  Point,
  CatalogCurrent,
  CatalogItem,
  CatalogVersion,
  PersonAccount,
  Region,
  type AccountAttrs,
  type Role,
} from '../db/entities';
import { defineEntity } from '../db/entities/define';
import { isoShanghai } from '../clock';
import { newId } from '../ids';
import { systemCtx, type RequestCtx } from '../http/context';
import { blindIndex, sealPerson } from '../security/crypto';
import { scopeBucketOf } from '../security/scope';
import { loadCatalog, loadRegions } from './data';
import { plannedPoints } from '../../functions/points/seed';

/** Marks a seed step as done, so a second start keeps (and does not redo) the data. */
const SeedMark = defineEntity<{ step: string; at: string }, { step: string }>({
  type: 'SeedMark',
  key: ({ step }) => ({ pk: 'SEED', sk: step }),
});

async function batchPut(items: object[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let req: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
      [tableName()]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item: Item as Record<string, unknown> } })),
    };
    while (req && Object.keys(req).length > 0) {
      const out = await db().send(new BatchWriteCommand({ RequestItems: req }));
      req = out.UnprocessedItems as typeof req;
    }
  }
}

/** Runs `step` once: the mark and the step's log entry commit together after the bulk load. */
async function once(step: string, ctx: RequestCtx, load: () => Promise<{ count: number; tx?: (tx: Tx) => void }>): Promise<boolean> {
  if (await getItem(SeedMark.key({ step }), true)) return false;
  const { count, tx: extend } = await load();
  const tx = new Tx(ctx)
    .put(SeedMark.item({ step, at: isoShanghai(ctx.now) }))
    .log({ action: `seed.${step}`, targetType: 'Seed', targetId: step, after: { count } });
  extend?.(tx);
  await tx.commit();
  return true;
}

export interface BootstrapPerson {
  name: string;
  idNumber: string;
  phone: string;
  regionCode: string;
  roles: Role[];
}

/** An account created by the platform itself (the two province bootstrap admins). */
export async function bootstrapAccountItems(p: BootstrapPerson, regionPath: string, now: Date) {
  const id = newId();
  const personIndex = await blindIndex('id', p.idNumber);
  const account: AccountAttrs = {
    id,
    ...(await sealPerson(p)),
    personIndex,
    regionCode: p.regionCode,
    regionPath,
    scopeBucket: scopeBucketOf(regionPath),
    roles: p.roles,
    status: 'active',
    createdAt: isoShanghai(now),
    sessionEpoch: 1,
    version: 1,
  };
  return { account: Account.item(account), person: PersonAccount.item({ personIndex, accountId: id }) };
}

export interface SeedOptions {
  sysAdminId: string;
  bizAdminId: string;
  now: Date;
}

/** First start: the region tree, catalogue version 1 and the two province bootstrap accounts. */
export async function seedBaseline(opts: SeedOptions): Promise<string[]> {
  const ctx = systemCtx('seed', opts.now);
  const done: string[] = [];
  await ensureCursorKey();
  const regions = loadRegions();
  if (await once('regions', ctx, async () => {
    await batchPut(regions.map((r) => Region.item(r)));
    return { count: regions.length };
  })) done.push(`regions: ${regions.length}`);

  // P1: every township, the community committee, each village and community gets its planned point.
  if (await once('points-planned', ctx, async () => {
    const points = plannedPoints(regions, opts.now);
    await batchPut(points.map((p) => Point.item(p)));
    return { count: points.length };
  })) done.push('planned service points');

  const items = loadCatalog(1);
  if (await once('catalog-v1', ctx, async () => {
    await batchPut(items.map((i) => CatalogItem.item(i)));
    const head = { version: 1, publishedAt: isoShanghai(opts.now), publishedBy: 'seed', itemCount: items.length, note: '省级暂定目录（附件1未公布）；法律依据、办理流程、收费与投诉电话亦为暂定' };
    return {
      count: items.length,
      tx: (tx) => {
        tx.put(CatalogVersion.item(head));
        tx.put(CatalogCurrent.item(head));
      },
    };
  })) done.push(`catalogue v1: ${items.length} items`);

  const province = regions.find((r) => r.level === 'province')!;
  for (const [step, person] of [
    ['bootstrap-sysadmin', { name: '省级系统管理员', idNumber: opts.sysAdminId, phone: '13800000001', regionCode: province.code, roles: ['sys_admin'] }],
    ['bootstrap-bizadmin', { name: '省级业务管理员', idNumber: opts.bizAdminId, phone: '13800000002', regionCode: province.code, roles: ['biz_admin'] }],
  ] as const) {
    if (await once(step, ctx, async () => {
      const { account, person: link } = await bootstrapAccountItems({ ...person, roles: [...person.roles] }, province.path, opts.now);
      return {
        count: 1,
        tx: (tx) => {
          tx.put(account).put(link, { conflict: { code: 'DUPLICATE_PERSON', message: '此身份证号已有账号' } });
          tx.log({ action: 'account.bootstrapped', targetType: 'Account', targetId: account.id, after: { roles: account.roles, regionCode: account.regionCode }, countyCode: 'province' });
        },
      };
    })) done.push(`${step}: ${person.idNumber.slice(0, 4)}…`);
  }
  return done;
}
