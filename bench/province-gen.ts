/**
 * A SIMULATED Shanxi for the province bench: 11 cities, 117 counties, ~1,350 townships and ~23,500
 * villages, in the seed's CSV format. Every code is generated and clearly not real: the cities are
 * 1451–1461 (Shanxi's real prefecture codes are 1401–1411), every name starts with 模拟 and every
 * note says SIMULATED. It is never written into shared/seed and never loaded by `npm start`.
 */
export const SIMULATED_NOTE = 'SIMULATED (bench/province-gen.ts), not a real division';
const PROVINCE = '140000000000';
const COUNTIES_PER_CITY = [11, 11, 11, 11, 11, 11, 11, 10, 10, 10, 10]; // 117
const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Deterministic: township and village counts vary a little by county (11–12 townships, 16–19 villages each). */
export function simulatedShanxiCsv(): { csv: string; counts: Record<string, number>; counties: string[] } {
  const lines = ['code,name,level,parent_code,note', `${PROVINCE},山西省,province,,`];
  const counts = { city: 0, county: 0, township: 0, village: 0 };
  const counties: string[] = [];
  COUNTIES_PER_CITY.forEach((nCounties, ci) => {
    const cc = 51 + ci;
    const city = `14${cc}00000000`;
    lines.push(`${city},模拟市${pad(ci + 1, 2)},city,${PROVINCE},${SIMULATED_NOTE}`);
    counts.city += 1;
    for (let k = 1; k <= nCounties; k++) {
      const county = `14${cc}${pad(k, 2)}000000`;
      counties.push(county);
      lines.push(`${county},模拟县${pad(ci + 1, 2)}${pad(k, 2)},county,${city},${SIMULATED_NOTE}`);
      counts.county += 1;
      const townships = 11 + ((ci + k) % 2) + (k === 1 ? 1 : 0);
      for (let t = 1; t <= townships; t++) {
        const tcode = `14${cc}${pad(k, 2)}${pad(100 + t, 3)}000`;
        lines.push(`${tcode},模拟乡镇${pad(k, 2)}${pad(t, 2)},township,${county},${SIMULATED_NOTE}`);
        counts.township += 1;
        const villages = 16 + ((ci * 7 + k * 3 + t) % 4);
        for (let v = 1; v <= villages; v++) {
          lines.push(`14${cc}${pad(k, 2)}${pad(100 + t, 3)}${pad(200 + v, 3)},模拟村${pad(t, 2)}${pad(v, 2)},village,${tcode},${SIMULATED_NOTE}`);
          counts.village += 1;
        }
      }
    }
  });
  return { csv: lines.join('\n') + '\n', counts, counties };
}
