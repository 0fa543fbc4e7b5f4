import { useEffect, useRef, type ReactNode } from 'react';
import { Card } from 'antd';
import { echarts, type EChartsOption } from './echarts';

/**
 * A chart and the same figures as a table: the canvas is an image with a label for screen
 * readers, the table below it is what they read (and what prints).
 */
export function ChartCard({ title, option, table, height = 280, testId }: { title: string; option: EChartsOption; table: ReactNode; height?: number; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    chart.setOption({ aria: { enabled: true }, animation: false, ...option });
    const ro = new ResizeObserver(() => chart.resize());
    ro.observe(ref.current);
    return () => {
      ro.disconnect();
      chart.dispose();
    };
  }, [option]);
  return (
    <Card title={title} data-testid={testId} size="small" style={{ breakInside: 'avoid' }}>
      <div ref={ref} role="img" aria-label={`${title}（图表，数据见下表）`} style={{ width: '100%', height }} />
      <div style={{ marginTop: 12 }}>{table}</div>
    </Card>
  );
}

/** A plain, readable data table (caption, headers, rows). */
export function DataTable({ caption, head, rows, testId }: { caption: string; head: string[]; rows: (string | number | ReactNode)[][]; testId?: string }) {
  return (
    <table className="jjb-table" data-testid={testId} style={{ width: '100%', borderCollapse: 'collapse' }}>
      <caption style={{ textAlign: 'left', fontWeight: 600, padding: '4px 0' }}>{caption}</caption>
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h} scope="col" style={{ textAlign: 'left', borderBottom: '1px solid #d9d9d9', padding: '4px 8px' }}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            {r.map((c, j) => (
              <td key={j} style={{ borderBottom: '1px solid #f0f0f0', padding: '4px 8px' }}>
                {c}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
