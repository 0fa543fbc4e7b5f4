import { z } from 'zod';
import { CHANNELS } from '../../shared/db/entities';

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
