import * as z from 'zod';
import { CHANNELS } from '../../shared/db/entities';
import { longText } from '../../shared/http/schemas';

export const CatalogItemView = z
  .object({
    code: z.string(),
    version: z.number(),
    group: z.string(),
    category: z.string(),
    nameZh: z.string(),
    nameEn: z.string(),
    review: z.enum(['none', 'county']),
    needsReview: z.boolean(),
    timeLimitWorkingDays: z.number(),
    channels: z.array(z.enum(CHANNELS)),
    materials: z.array(z.string()),
    legalBasis: z.string().optional(),
    procedure: z.array(z.string()).optional(),
    fees: z.string().optional(),
    complaintPhone: z.string().optional(),
  })
  .meta({ id: 'CatalogItem' });

export const RegionView = z
  .object({
    code: z.string(),
    name: z.string(),
    level: z.string(),
    parentCode: z.string().optional(),
    path: z.string(),
    children: z.array(z.object({ code: z.string(), name: z.string(), level: z.string() })).optional(),
  })
  .meta({ id: 'Region' });

// ── publishing a catalogue version (K1–K3)

const itemCode = z.string().regex(/^[A-Z]\d{2,3}$/, { message: '事项代码如 S01' });
const categoryCode = z.string().regex(/^[a-z_]{2,40}$/, { message: '类别代码由小写字母和下划线组成' });
const text = (max: number) => longText(max);

export const catalogItemInput = z.strictObject({
  code: itemCode,
  group: z.enum(['employment', 'social_security']),
  category: categoryCode,
  nameZh: text(100),
  nameEn: text(200),
  review: z.enum(['none', 'county']),
  timeLimitWorkingDays: z.number().int().min(0).max(365),
  channels: z.array(z.enum(CHANNELS)).min(1, { message: '至少一个办理渠道' }).max(4),
  materials: z.array(text(200)).max(50),
  legalBasis: text(2000).optional(),
  procedure: z.array(text(300)).min(1, { message: '至少一个步骤' }).max(20, { message: '最多 20 步' }).optional(),
  fees: text(200).optional(),
  complaintPhone: z.string().trim().regex(/^[0-9-]{5,20}$/, { message: '投诉电话如 12333 或 0357-1234567' }).optional(),
});
/** A change names the item and the fields that change. */
export const catalogItemChange = catalogItemInput.partial().required({ code: true });

export const publishVersionBody = z
  .strictObject({
    /** The version this one is based on (must be the current one): a stale base is 409. */
    basedOn: z.number().int().min(1).optional(),
    note: text(500).optional(),
    /** Required when the version does not keep the 40-item structure (K1). */
    overrideReason: text(500).optional(),
    /** Either the whole list … */
    items: z.array(catalogItemInput).min(1).max(500).optional(),
    /** … or the changes to the current version. */
    add: z.array(catalogItemInput).max(500).optional(),
    change: z.array(catalogItemChange).max(500).optional(),
    retire: z.array(itemCode).max(500).optional(),
  })
  .superRefine((b, ctx) => {
    const changes = b.add !== undefined || b.change !== undefined || b.retire !== undefined;
    if (b.items && changes) ctx.addIssue({ code: 'custom', path: ['items'], message: '给出完整清单 items 或 add/change/retire 之一，不能同时给出' });
    if (!b.items && !changes) ctx.addIssue({ code: 'custom', path: ['items'], message: '需要完整清单 items 或 add/change/retire' });
  });

export const CatalogVersionView = z
  .object({
    version: z.number(),
    status: z.enum(['writing', 'published']),
    publishedAt: z.string().optional(),
    publishedBy: z.string(),
    itemCount: z.number(),
    note: z.string().optional(),
    overrideReason: z.string().optional(),
    basedOn: z.number().optional(),
    added: z.array(z.string()).optional(),
    changed: z.array(z.string()).optional(),
    retired: z.array(z.string()).optional(),
    current: z.boolean(),
  })
  .meta({ id: 'CatalogVersion' });
