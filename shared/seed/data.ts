import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CatalogItemAttrs, Channel, RegionAttrs } from '../db/entities';

/**
 * Pu County's region tree and the provisional 40-item catalogue, copied into the project from the
 * reference material (shared/seed/data/*.csv) and parsed here.
 */
const here = dirname(fileURLToPath(import.meta.url));
const read = (name: string) => readFileSync(join(here, 'data', name), 'utf8');

/** Splits a CSV line into `n` fields; the last takes the rest (notes carry commas, no quoting). */
function fields(line: string, n: number): string[] {
  const parts = line.split(',');
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(',')];
}

export function loadRegions(text = read('pu-county-regions.csv')): RegionAttrs[] {
  const rows = text.trim().split(/\r?\n/).slice(1).map((l) => fields(l, 5));
  const byCode = new Map(rows.map(([code, name, level, parent, note]) => [code!, { code: code!, name: name!, level: level!, parent: parent || undefined, note: note || undefined }]));
  const pathOf = (code: string): string => {
    const r = byCode.get(code);
    if (!r) throw new Error(`region ${code} missing`);
    return r.parent ? `${pathOf(r.parent)}/${code}` : code;
  };
  return [...byCode.values()].map((r) => ({
    code: r.code,
    name: r.name,
    level: r.level as RegionAttrs['level'],
    ...(r.parent ? { parentCode: r.parent } : {}),
    path: pathOf(r.code),
    ...(r.note ? { note: r.note } : {}),
  }));
}

/** The catalogue's channel words → the API's: home → home_visit; self-service items also allow assisted (帮办). */
function channelsOf(raw: string): Channel[] {
  const src = raw.split('|');
  const out: Channel[] = [];
  if (src.includes('window')) out.push('window');
  if (src.includes('self_service')) out.push('self_service', 'assisted');
  if (src.includes('home')) out.push('home_visit');
  return out;
}

/**
 * What the 一次性告知书 prints beyond the list: legal basis, procedure, fees, complaint phone
 * (shared/seed/data/catalog-details.json, provisional like the catalogue itself).
 */
interface CatalogDetails {
  provisional: boolean;
  note: string;
  complaintPhone: string;
  items: Record<string, { legalBasis: string; procedure: string[]; fees: string }>;
}
export const catalogDetails = (): CatalogDetails => JSON.parse(read('catalog-details.json')) as CatalogDetails;

export function loadCatalog(version = 1, text = read('service-catalog.csv'), details = catalogDetails()): CatalogItemAttrs[] {
  const withDetails = (i: CatalogItemAttrs): CatalogItemAttrs => {
    const d = details.items[i.code];
    return d ? { ...i, legalBasis: d.legalBasis, procedure: d.procedure, fees: d.fees, complaintPhone: details.complaintPhone } : i;
  };
  return text
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => fields(l, 9))
    .map(([code, group, category, nameZh, nameEn, review, days, channels, materials]): CatalogItemAttrs => ({
      version,
      code: code!,
      group: group as CatalogItemAttrs['group'],
      category: category!,
      nameZh: nameZh!,
      nameEn: nameEn!,
      review: review === 'county' ? 'county' : 'none',
      timeLimitWorkingDays: Number(days),
      channels: channelsOf(channels!),
      materials: materials === '无需材料' ? [] : materials!.split(';').map((m) => m.trim()).filter(Boolean),
    }))
    .map(withDetails);
}
