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
