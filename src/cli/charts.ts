/** The chart stage, imported only when a paper places a chart (vega is slow to import). */
import { InputError } from '../data/errors.js';
import type { ChartRenderer } from '../paper/figures.js';

/** `png`: make the charts' PNGs (the DOCX's fallbacks); false when no DOCX is written. */
export async function loadChartStage(options: { png?: boolean } = {}): Promise<ChartRenderer> {
  const charts = await import('../charts/index.js');
  const asInputError = (e: unknown, file: string): never => {
    if (e instanceof charts.ChartError) throw new InputError({ file, message: e.message.replace(`${file}: `, '') });
    throw e;
  };
  return {
    async render(args) {
      try {
        const chart = await charts.drawChart({ ...args, png: options.png ?? true });
        const png = chart.png.catch((e: unknown) => asInputError(e, args.file));
        png.catch(() => undefined); // awaited by the DOCX writer only
        return { ...chart, png };
      } catch (e) {
        return asInputError(e, args.file);
      }
    },
    warmUp() {
      charts.warmUpCharts();
    },
    describe(spec, values, options) {
      return charts.describeChart(spec, values, options);
    },
  };
}
