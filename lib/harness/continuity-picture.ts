import type { AvailabilitySample, DnsSample, WriteInterval } from '../invariants/continuity.js';

/**
 * The continuity of an upgrade check as an SVG chart, time left to right in seconds since the
 * monitors started: the nodes' upgrade phases as bands, the upgrade steps as dashed marks, then one
 * row each for the API server (red while unanswered), the writer and the reader (a bar per bucket:
 * green acknowledged, red failed, height by attempts), each set's ready pods against its replicas,
 * and each DNS name (a tick per lookup, green resolved, red not). A row without samples says so:
 * an empty observation is shown, never hidden.
 */
export interface ContinuityPicture {
  readonly title: string;
  /** All times below are milliseconds since the start of the window (0..durationMs). */
  readonly durationMs: number;
  readonly phases: readonly { readonly name: string; readonly from: number; readonly to: number }[];
  readonly marks: readonly { readonly at: number; readonly label: string }[];
  readonly writes: readonly WriteInterval[];
  readonly availability: readonly AvailabilitySample[];
  readonly dns: readonly DnsSample[];
  readonly apiOutages: readonly { readonly from: number; readonly to: number }[];
}

const LABEL_WIDTH = 260;
const CHART_WIDTH = 900;
const ROW_HEIGHT = 28;
const TOP = 60;
const GREEN = '#59a14f';
const RED = '#e15759';
const GREY = '#bab0ac';
const BAND_COLOURS = ['#edf2f8', '#fdf0e2', '#eef6ec', '#f5edf3'];

export function renderContinuitySvg(picture: ContinuityPicture): string {
  const duration = Math.max(1, picture.durationMs);
  const x = (at: number) => LABEL_WIDTH + (Math.min(Math.max(at, 0), duration) / duration) * CHART_WIDTH;
  const sets = [...new Set(picture.availability.map((sample) => sample.set))].sort();
  const names = [...new Set(picture.dns.map((sample) => sample.name))];
  const rows = [
    'API server',
    'writes',
    'reads',
    ...sets.map((set) => `${set} ready / replicas`),
    ...names.map(shortName),
  ];
  const rowY = (index: number) => TOP + index * ROW_HEIGHT;
  const chartBottom = rowY(rows.length);
  const legendY = chartBottom + 36;
  const height = legendY + 20 + picture.marks.length * 14 + 16;
  const width = LABEL_WIDTH + CHART_WIDTH + 20;
  const parts: string[] = [`<rect width="${width}" height="${height}" fill="#ffffff"/>`];

  parts.push(text(10, 22, picture.title, { size: 15, weight: 'bold' }));
  picture.phases.forEach((phase, index) => {
    const colour = BAND_COLOURS[index % BAND_COLOURS.length] as string;
    parts.push(rect(x(phase.from), TOP - 18, Math.max(1, x(phase.to) - x(phase.from)), chartBottom - TOP + 18, colour));
    parts.push(text(x(phase.from) + 3, TOP - 6, phase.name, { size: 10 }));
  });
  rows.forEach((row, index) => {
    parts.push(text(10, rowY(index) + ROW_HEIGHT / 2 + 4, row, { size: 11 }));
    parts.push(
      `<line x1="${LABEL_WIDTH}" y1="${rowY(index + 1)}" x2="${LABEL_WIDTH + CHART_WIDTH}" y2="${rowY(index + 1)}" stroke="#eeeeee"/>`,
    );
  });

  parts.push(...apiRow(picture, x, rowY(0)));
  parts.push(...bucketRow(picture.writes, (i) => [i.acknowledged, i.failed], x, rowY(1)));
  parts.push(...bucketRow(picture.writes, (i) => [i.readsOk, i.readsFailed], x, rowY(2)));
  sets.forEach((set, index) =>
    parts.push(
      ...availabilityRow(
        picture.availability.filter((sample) => sample.set === set),
        x,
        rowY(3 + index),
      ),
    ),
  );
  names.forEach((name, index) =>
    parts.push(
      ...dnsRow(
        picture.dns.filter((sample) => sample.name === name),
        x,
        rowY(3 + sets.length + index),
      ),
    ),
  );
  if (names.length === 0) parts.push(noSamples(rowY(rows.length - 1) + ROW_HEIGHT, 'no DNS lookups'));

  picture.marks.forEach((mark, index) => {
    parts.push(
      `<line x1="${x(mark.at).toFixed(1)}" y1="${TOP}" x2="${x(mark.at).toFixed(1)}" y2="${chartBottom}" stroke="#555555" stroke-dasharray="3,3"/>`,
    );
    parts.push(text(x(mark.at) + 2, chartBottom + 12, String(index + 1), { size: 9 }));
    parts.push(text(10, legendY + 20 + index * 14, `${index + 1}  ${mark.label}`, { size: 10 }));
  });
  parts.push(...axis(duration, x, chartBottom));
  parts.push(
    text(
      10,
      legendY,
      'green: acknowledged / answered / resolved / ready; red: failed / unanswered / unresolved; grey line: replicas; bands: a node being upgraded; dashed: upgrade steps',
      { size: 10 },
    ),
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">\n${parts.join('\n')}\n</svg>\n`;
}

type Scale = (at: number) => number;

/** web-0.web.<namespace>.svc.cluster.local -> "web-0.web (DNS)": the namespace is the check's own and too long for a label. */
export function shortName(name: string): string {
  const suffix = '.svc.cluster.local';
  if (!name.endsWith(suffix)) return name;
  const parts = name.slice(0, -suffix.length).split('.');
  return parts.length === 3 ? `${parts[0]}.${parts[1]} (DNS)` : `${parts.join('.')} (DNS)`;
}

function apiRow(picture: ContinuityPicture, x: Scale, top: number): string[] {
  const parts = [rect(x(0), top + 10, x(picture.durationMs) - x(0), 8, GREEN)];
  for (const outage of picture.apiOutages)
    parts.push(rect(x(outage.from), top + 6, Math.max(1, x(outage.to) - x(outage.from)), 16, RED));
  return parts;
}

/** One bar per bucket: the first count green from the bottom, the second red on top, scaled to the largest bucket. */
function bucketRow(
  intervals: readonly WriteInterval[],
  counts: (interval: WriteInterval) => [number, number],
  x: Scale,
  top: number,
): string[] {
  const totals = intervals.map((interval) => counts(interval));
  const largest = Math.max(0, ...totals.map(([ok, failed]) => ok + failed));
  if (largest === 0) return [noSamples(top + ROW_HEIGHT, 'no samples')];
  const scale = (ROW_HEIGHT - 6) / largest;
  const bottom = top + ROW_HEIGHT - 2;
  return intervals.flatMap((interval, index) => {
    const [ok, failed] = totals[index] as [number, number];
    const left = x(interval.start);
    const barWidth = Math.max(1, x(interval.end) - left - 1);
    return [
      ...(ok > 0 ? [rect(left, bottom - ok * scale, barWidth, ok * scale, GREEN)] : []),
      ...(failed > 0 ? [rect(left, bottom - (ok + failed) * scale, barWidth, failed * scale, RED)] : []),
    ];
  });
}

/** Ready pods as a green step line, replicas as a grey one, on the row's height scaled to the most replicas seen. */
function availabilityRow(samples: readonly AvailabilitySample[], x: Scale, top: number): string[] {
  if (samples.length === 0) return [noSamples(top + ROW_HEIGHT, 'no samples')];
  const sorted = [...samples].sort((a, b) => a.at - b.at);
  const most = Math.max(1, ...sorted.map((sample) => Math.max(sample.replicas, sample.ready)));
  const y = (count: number) => top + ROW_HEIGHT - 3 - (count / most) * (ROW_HEIGHT - 8);
  const steps = (pick: (sample: AvailabilitySample) => number) =>
    sorted
      .map((sample, index) => {
        const next = sorted[index + 1]?.at ?? sample.at;
        return `${x(sample.at).toFixed(1)},${y(pick(sample)).toFixed(1)} ${x(next).toFixed(1)},${y(pick(sample)).toFixed(1)}`;
      })
      .join(' ');
  return [
    `<polyline points="${steps((sample) => sample.replicas)}" fill="none" stroke="${GREY}" stroke-width="1"/>`,
    `<polyline points="${steps((sample) => sample.ready)}" fill="none" stroke="${GREEN}" stroke-width="2"/>`,
  ];
}

function dnsRow(samples: readonly DnsSample[], x: Scale, top: number): string[] {
  return samples.map(
    (sample) =>
      `<line x1="${x(sample.at).toFixed(1)}" y1="${top + 7}" x2="${x(sample.at).toFixed(1)}" y2="${top + ROW_HEIGHT - 7}" stroke="${sample.resolved ? GREEN : RED}" stroke-width="1.5"/>`,
  );
}

function axis(duration: number, x: Scale, y: number): string[] {
  const seconds = duration / 1000;
  const step = [5, 10, 30, 60, 120, 300, 600].find((candidate) => seconds / candidate <= 12) ?? 1200;
  const parts = [`<line x1="${LABEL_WIDTH}" y1="${y}" x2="${LABEL_WIDTH + CHART_WIDTH}" y2="${y}" stroke="#333333"/>`];
  for (let tick = 0; tick <= seconds; tick += step)
    parts.push(text(x(tick * 1000) - 6, y + 24, `${tick}s`, { size: 9 }));
  return parts;
}

function noSamples(bottom: number, what: string): string {
  return text(LABEL_WIDTH + 8, bottom - ROW_HEIGHT / 2 + 4, what, { size: 10, colour: '#888888' });
}

function rect(left: number, top: number, width: number, height: number, fill: string): string {
  return `<rect x="${left.toFixed(1)}" y="${top.toFixed(1)}" width="${width.toFixed(1)}" height="${height.toFixed(1)}" fill="${fill}"/>`;
}

function text(
  left: number,
  baseline: number,
  content: string,
  style: { size?: number; weight?: string; colour?: string } = {},
): string {
  return `<text x="${left.toFixed(1)}" y="${baseline.toFixed(1)}" font-size="${style.size ?? 12}"${style.weight ? ` font-weight="${style.weight}"` : ''} fill="${style.colour ?? '#222222'}">${escapeXml(content)}</text>`;
}

export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
