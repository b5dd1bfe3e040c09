/** Renders chart options to SVG on the server (ECharts server-side rendering, no browser). */
import * as echarts from 'echarts';

export function renderSvg(options: object, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(options as echarts.EChartsOption);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
