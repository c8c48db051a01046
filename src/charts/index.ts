/**
 * The chart stage: Vega-Lite spec + the figures bound to it -> SVG, PNG and alt text.
 * vega and vega-lite are imported on the first render only.
 */
export { ChartError } from './errors.js';
export { clearChartCache, drawChart, renderChart, warmUpCharts, type ChartInput, type DrawnChart, type RenderedChart } from './render.js';
export { describeChart, type DescribeOptions } from './describe.js';
export { houseConfig, PALETTE, FONT_FAMILY } from './theme.js';
