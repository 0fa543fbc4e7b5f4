/**
 * ECharts, module by module (only the charts and components the dashboard and the map use), so
 * the dashboard's chunk carries no more of ECharts than it draws. Imported only by those screens.
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart, ScatterChart, CustomChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent, TitleComponent, AriaComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, PieChart, ScatterChart, CustomChart, GridComponent, TooltipComponent, LegendComponent, TitleComponent, AriaComponent, CanvasRenderer]);
export { echarts };
export type EChartsOption = echarts.EChartsCoreOption;
