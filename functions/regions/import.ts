import { getItems } from '../../shared/db/store';
import { Tx } from '../../shared/db/tx';
import { Point, REGION_LEVELS, Region, type PointAttrs, type RegionAttrs } from '../../shared/db/entities';
import type { RequestCtx } from '../../shared/http/context';
import { BadRequest, type FieldIssue } from '../../shared/http/errors';
import { clearRegionCache, PROVINCE_CODE } from '../../shared/regions';
import { plannedPoints } from '../points/seed';

/**
 * Region import (the whole province, not one county): a CSV in the seed's format
 * (`code,name,level,parent_code,note`, as shared/seed/data/pu-county-regions.csv), validated as a
 * whole before anything is written — 12-digit codes, known levels, each parent in the file or
 * the table and one level up, no cycles, a region already stored keeping its level and parent —
 * then written parents first, in transactions of regions and their planned points (P1: every
 * township, community committee, village and community gets one, as at the seed), each with its
 * log entry. Idempotent: a region already stored as given is left alone and gets no second
 * point; a stopped import run again finishes the rest.
 */
export const HEADER = 'code,name,level,parent_code,note';
export const MAX_ROWS = 50_000;
/** Parent levels each level may hang under. */
const PARENTS: Record<RegionAttrs['level'], readonly RegionAttrs['level'][]> = {
  province: [],
  city: ['province'],
  county: ['city'],
  township: ['county'],
  community_committee: ['county'],
  village: ['township'],
  community: ['township', 'community_committee'],
};
/** Regions per transaction: a region and its point are 2 items; leave room for the log entry. */
const PER_TX = 45;

export interface ImportRow {
  line: number;
  code: string;
  name: string;
  level: RegionAttrs['level'];
  parentCode?: string;
  note?: string;
}

export interface ImportSummary {
  rows: number;
  added: number;
  updated: number;
  unchanged: number;
  pointsPlanned: number;
  transactions: number;
}

/** Splits a line into 5 fields; the note takes the rest (notes carry commas, the seed does not quote). */
function fields(line: string): string[] {
  const parts = line.split(',');
  return [...parts.slice(0, 4), parts.slice(4).join(',')];
}

export function parseRegionsCsv(text: string): ImportRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const issues: FieldIssue[] = [];
  if ((lines[0] ?? '').trim() !== HEADER) throw new BadRequest(`csv: 首行应为 ${HEADER}`, [{ field: 'csv.line1', message: `首行应为 ${HEADER}` }]);
  const rows: ImportRow[] = [];
  lines.slice(1).forEach((raw, i) => {
    const line = i + 2;
    if (raw.trim() === '') return;
    const [code, name, level, parent, note] = fields(raw.trim()).map((s) => s.trim());
    const at = (field: string, message: string) => issues.push({ field: `csv.line${line}.${field}`, message });
    if (!/^\d{12}$/.test(code ?? '')) at('code', '区划代码应为12位数字');
    if (!name) at('name', '名称不能为空');
    else if (name.length > 100) at('name', '名称最长 100 字');
    if (!(REGION_LEVELS as readonly string[]).includes(level ?? '')) at('level', `层级应为 ${REGION_LEVELS.join(' | ')}`);
    if (parent && !/^\d{12}$/.test(parent)) at('parent_code', '上级代码应为12位数字');
    if (parent && parent === code) at('parent_code', '上级不能是自身');
    rows.push({ line, code: code!, name: name!, level: level as RegionAttrs['level'], ...(parent ? { parentCode: parent } : {}), ...(note ? { note } : {}) });
  });
  if (rows.length === 0) issues.push({ field: 'csv', message: '没有区划行' });
  if (rows.length > MAX_ROWS) issues.push({ field: 'csv', message: `一次最多 ${MAX_ROWS} 行` });
  const seen = new Map<string, number>();
  for (const r of rows) {
    const first = seen.get(r.code);
    if (first !== undefined) issues.push({ field: `csv.line${r.line}.code`, message: `与第 ${first} 行重复` });
    else seen.set(r.code, r.line);
  }
  if (issues.length > 0) throw tooMany(issues);
  return rows;
}

const tooMany = (issues: FieldIssue[]) =>
  new BadRequest(`区划文件有 ${issues.length} 处错误: ${issues.slice(0, 5).map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues.slice(0, 200));

async function storedRegions(codes: string[]): Promise<Map<string, RegionAttrs>> {
  const out = new Map<string, RegionAttrs>();
  for (let i = 0; i < codes.length; i += 100) {
    const got = await getItems<RegionAttrs>(codes.slice(i, i + 100).map((code) => Region.key({ code })));
    for (const r of got) if (r) out.set(r.code, r);
  }
  return out;
}

/**
 * The whole file checked against itself and the table: parents, levels, cycles, paths. Reads one
 * BatchGet per 100 codes (the file's regions and the parents it names outside itself).
 */
export async function planImport(rows: ImportRow[]): Promise<{ added: RegionAttrs[]; updated: RegionAttrs[]; unchanged: number }> {
  const inFile = new Map(rows.map((r) => [r.code, r]));
  const outside = [...new Set(rows.map((r) => r.parentCode).filter((p): p is string => Boolean(p) && !inFile.has(p!)))];
  const stored = await storedRegions([...new Set([...inFile.keys(), ...outside])]);
  const issues: FieldIssue[] = [];
  const at = (r: ImportRow, field: string, message: string) => issues.push({ field: `csv.line${r.line}.${field}`, message });
  const levelOf = (code: string) => inFile.get(code)?.level ?? stored.get(code)?.level;
  for (const r of rows) {
    if (!r.parentCode) {
      if (r.level !== 'province' || r.code !== PROVINCE_CODE) at(r, 'parent_code', '除本省外每个区划都须有上级');
    } else if (!levelOf(r.parentCode)) {
      at(r, 'parent_code', `上级 ${r.parentCode} 不在文件中，也未导入`);
    } else if (!PARENTS[r.level].includes(levelOf(r.parentCode)!)) {
      at(r, 'level', `${r.level} 不能直属于 ${levelOf(r.parentCode)}（应为 ${PARENTS[r.level].join(' 或 ') || '无上级'}）`);
    }
    const before = stored.get(r.code);
    if (before && (before.level !== r.level || (before.parentCode ?? '') !== (r.parentCode ?? ''))) {
      at(r, 'parent_code', `区划 ${r.code} 已存在（${before.level}，上级 ${before.parentCode ?? '无'}），不能改变层级或上级`);
    }
  }
  // Paths, and cycles: a chain of parents that comes back to itself never reaches the province.
  const paths = new Map<string, string>();
  const pathOf = (code: string, trail: Set<string>): string | undefined => {
    const known = paths.get(code);
    if (known) return known;
    const r = inFile.get(code);
    if (!r) return stored.get(code)?.path;
    if (trail.has(code)) return undefined;
    trail.add(code);
    const parentPath = r.parentCode ? pathOf(r.parentCode, trail) : '';
    if (parentPath === undefined) return undefined;
    const path = r.parentCode ? `${parentPath}/${code}` : code;
    paths.set(code, path);
    return path;
  };
  for (const r of rows) {
    if (r.parentCode && pathOf(r.code, new Set()) === undefined) at(r, 'parent_code', '上级关系成环');
  }
  if (issues.length > 0) throw tooMany(issues);

  const added: RegionAttrs[] = [];
  const updated: RegionAttrs[] = [];
  let unchanged = 0;
  for (const r of rows) {
    const region: RegionAttrs = { code: r.code, name: r.name, level: r.level, ...(r.parentCode ? { parentCode: r.parentCode } : {}), path: paths.get(r.code)!, ...(r.note ? { note: r.note } : {}) };
    const before = stored.get(r.code);
    if (!before) added.push(region);
    else if (before.name !== region.name || (before.note ?? '') !== (region.note ?? '')) updated.push(region);
    else unchanged += 1;
  }
  // Parents first: whatever is stored always hangs under a stored parent.
  const depth = (x: RegionAttrs) => x.path.split('/').length;
  added.sort((a, b) => depth(a) - depth(b) || a.code.localeCompare(b.code));
  return { added, updated, unchanged };
}

/** Validates, then writes: new regions with their planned points, renamed ones, all logged. */
export async function importRegions(ctx: RequestCtx, csv: string): Promise<ImportSummary> {
  const rows = parseRegionsCsv(csv);
  const plan = await planImport(rows);
  let transactions = 0;
  let pointsPlanned = 0;
  for (let i = 0; i < plan.added.length; i += PER_TX) {
    const chunk = plan.added.slice(i, i + PER_TX);
    const points = plannedPoints(chunk, ctx.now);
    const tx = new Tx(ctx);
    // A region another import stored meanwhile fails the whole chunk (409): run the import again.
    for (const r of chunk) tx.put(Region.item(r), { conflict: { code: 'REGION_EXISTS', message: `区划 ${r.code} 已由另一导入写入，请重新导入` } });
    for (const p of points) tx.put(Point.item(p as PointAttrs));
    tx.log({ action: 'region.imported', targetType: 'Region', targetId: chunk[0]!.code, after: { codes: chunk.map((r) => r.code), pointsPlanned: points.length }, countyCode: 'province' });
    await tx.commit();
    transactions += 1;
    pointsPlanned += points.length;
  }
  for (let i = 0; i < plan.updated.length; i += 90) {
    const chunk = plan.updated.slice(i, i + 90);
    const tx = new Tx(ctx);
    for (const r of chunk) {
      tx.update(Region.key({ code: r.code }), r.note ? 'SET #n = :n, #note = :note' : 'SET #n = :n REMOVE #note', {
        condition: 'attribute_exists(pk)',
        names: { '#n': 'name', '#note': 'note' },
        values: { ':n': r.name, ...(r.note ? { ':note': r.note } : {}) },
        conflict: { code: 'REGION_GONE', message: `区划 ${r.code} 不存在` },
      });
    }
    tx.log({ action: 'region.renamed', targetType: 'Region', targetId: chunk[0]!.code, after: { codes: chunk.map((r) => r.code) }, countyCode: 'province' });
    await tx.commit();
    transactions += 1;
  }
  const summary = { rows: rows.length, added: plan.added.length, updated: plan.updated.length, unchanged: plan.unchanged, pointsPlanned, transactions };
  // The closing entry: what the import did, whether or not it wrote anything (not counted in `transactions`).
  await new Tx(ctx).log({ action: 'regions.import', targetType: 'Region', targetId: PROVINCE_CODE, after: summary, countyCode: 'province' }).commit();
  clearRegionCache();
  return summary;
}


