import { describe, expect, it } from 'vitest';
import { renderContinuitySvg, shortName, type ContinuityPicture } from './continuity-picture.js';

const picture: ContinuityPicture = {
  title: 'upgrade <v1.33> & more',
  durationMs: 100_000,
  phases: [{ name: 'control plane', from: 10_000, to: 50_000 }],
  marks: [{ at: 20_000, label: 'kubeadm upgrade apply' }],
  writes: [
    { start: 0, end: 10_000, attempted: 10, acknowledged: 10, failed: 0, readsOk: 10, readsFailed: 0 },
    { start: 10_000, end: 20_000, attempted: 10, acknowledged: 4, failed: 6, readsOk: 0, readsFailed: 10 },
  ],
  availability: [
    { at: 0, set: 'web', replicas: 2, ready: 2 },
    { at: 50_000, set: 'web', replicas: 2, ready: 0 },
  ],
  dns: [],
  apiOutages: [{ from: 30_000, to: 40_000 }],
};

describe('the continuity picture', () => {
  const svg = renderContinuitySvg(picture);

  it('is one SVG document with the title escaped', () => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('upgrade &lt;v1.33&gt; &amp; more');
  });

  it('draws an API outage in red where it was, on the same scale as the bands', () => {
    // 30 s of 100 s on a 900-pixel chart after a 260-pixel label column.
    expect(svg).toMatch(/<rect x="530\.0" y="[\d.]+" width="90\.0" height="16\.0" fill="#e15759"\/>/);
  });

  it('draws failed writes in red and says which rows have no samples', () => {
    expect(svg.match(/fill="#e15759"/g)?.length).toBeGreaterThanOrEqual(3);
    expect(svg).toContain('web ready / replicas');
    expect(svg).toContain('no DNS lookups');
  });

  it("shortens the check's long DNS names for the labels", () => {
    expect(shortName('web-0.web.sts-upgrade-check-long-lived-139f0d.svc.cluster.local')).toBe('web-0.web (DNS)');
    expect(shortName('kubernetes.default.svc.cluster.local')).toBe('kubernetes.default (DNS)');
    expect(shortName('example.org')).toBe('example.org');
  });
});
