import { useState } from 'react';
import { Button, message } from 'antd';
import { runtimeConfig } from '../../config';
import { getToken } from '../../auth/token';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * 导出 XLSX: the list route itself answers the spreadsheet (Accept of the XLSX type), with the
 * same filter as the screen, bounded and scoped by the server. One button for every list screen.
 */
export function ExportButton({ path, query, label = '导出 XLSX' }: { path: string; query?: Record<string, string | undefined>; label?: string }) {
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      const qs = new URLSearchParams(Object.entries(query ?? {}).filter((e): e is [string, string] => !!e[1])).toString();
      const res = await fetch(`${runtimeConfig.apiBase || location.origin}${path}${qs ? `?${qs}` : ''}`, {
        headers: { accept: XLSX_TYPE, authorization: `Bearer ${getToken() ?? ''}` },
      });
      if (!res.ok) throw new Error(`导出失败（${res.status}）`);
      const name = decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'export.xlsx');
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      if (res.headers.get('x-export-truncated') === 'true') message.warning('只导出了前 10000 行，请缩小筛选范围');
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button onClick={run} loading={busy} data-testid="export-xlsx">
      {label}
    </Button>
  );
}
