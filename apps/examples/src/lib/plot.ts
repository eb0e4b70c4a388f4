/**
 * Training curves as SVG, drawn by vega-lite compiled to vega and rendered headless
 * (`renderer: 'none'`): no canvas, no native dependency.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface CurvePoint {
  /** x: epoch (or step). */
  x: number;
  /** Series name, e.g. "test accuracy (averaged)". */
  series: string;
  y: number;
}

/**
 * Two panels, sharing the x axis: `loss` points on top, `accuracy` points below, one line per
 * series. Returns the SVG text.
 */
export async function renderCurves(title: string, loss: CurvePoint[], accuracy: CurvePoint[], xTitle = 'epoch'): Promise<string> {
  const panel = (values: CurvePoint[], yTitle: string, zero: boolean) => ({
    width: 520,
    height: 200,
    data: { values },
    mark: { type: 'line' as const, point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative' as const, title: xTitle, axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'y', type: 'quantitative' as const, title: yTitle, scale: { zero } },
      color: { field: 'series', type: 'nominal' as const, title: null },
    },
  });
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    vconcat: [panel(loss, 'loss', false), panel(accuracy, 'accuracy', false)],
    resolve: { scale: { color: 'independent' } },
    config: { font: 'sans-serif', legend: { labelLimit: 400 } },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

/**
 * One panel, one line per series, optionally with a logarithmic y axis. Returns the SVG text.
 */
export async function renderLines(
  title: string, points: CurvePoint[], axes: { x: string; y: string; logY?: boolean },
): Promise<string> {
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 560,
    height: 300,
    data: { values: points },
    mark: { type: 'line' },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: axes.x },
      y: { field: 'y', type: 'quantitative', title: axes.y, scale: axes.logY ? { type: 'log' } : { zero: false } },
      color: { field: 'series', type: 'nominal', title: null },
      // Dashes keep lines that lie on top of each other (SGD and ASGD's live weights) visible.
      strokeDash: { field: 'series', type: 'nominal', title: null },
    },
    config: { font: 'sans-serif', legend: { labelLimit: 400, orient: 'top-right' } },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}
