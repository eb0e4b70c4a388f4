import { describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderCurves } from '../src/lib/plot.js';

describe('curves.svg', () => {
  it('is valid XML and contains every plotted series', async () => {
    const svg = await renderCurves(
      'test run',
      [1, 2, 3].map((x) => ({ x, series: 'training loss', y: 1 / x })),
      [1, 2, 3].flatMap((x) => [{ x, series: 'test accuracy (live)', y: 0.8 + x / 100 }, { x, series: 'test accuracy (averaged)', y: 0.81 + x / 100 }]),
    );
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(svg) as { svg?: unknown };
    expect(doc.svg).toBeDefined();
    for (const series of ['training loss', 'test accuracy (live)', 'test accuracy (averaged)', 'test run']) expect(svg).toContain(`>${series}<`);
    // one line mark per series
    expect((svg.match(/class="mark-line role-mark/g) ?? []).length).toBe(3);
  });
});
