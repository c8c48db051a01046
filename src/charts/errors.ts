/**
 * The one error the chart stage throws. Its message names the chart file and id so that
 * a CLI can print it as is: `<file>: chart "<id>": <reason>`.
 */
export class ChartError extends Error {
  readonly file: string;
  readonly chartId: string;
  readonly reason: string;

  constructor(file: string, chartId: string, reason: string, options?: { cause?: unknown }) {
    super(`${file}: chart "${chartId}": ${reason}`, options);
    this.name = 'ChartError';
    this.file = file;
    this.chartId = chartId;
    this.reason = reason;
  }
}

/** The PNG of a chart drawn without one (ChartInput.png false): asked for, it is a bug. */
export function noPng(chart: { file: string; id: string }): Promise<never> {
  const png = Promise.reject(new Error(`${chart.file}: chart "${chart.id}": drawn without a PNG, as this run writes no DOCX`));
  png.catch(() => undefined); // only an error if awaited
  return png;
}

/** A chart's PNG that resvg could not draw, as the chart's error. */
export function pngFailure(chart: { file: string; id: string }, message: string): ChartError {
  return new ChartError(chart.file, chart.id, `resvg could not draw the chart's PNG: ${message}`);
}
