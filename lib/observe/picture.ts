import type { PodLife, Timeline } from './timeline.js';

/**
 * The timeline as an SVG chart: one row per ordinal, each pod incarnation drawn as spans
 * (pending, Ready, not Ready, terminating) coloured by revision, Kubernetes events as ticks and
 * the scenario's steps as dashed lines. Time runs left to right in seconds since recording began.
 */
export interface StepMark {
  /** Arrival-clock milliseconds, like Moment.receivedAt. */
  readonly at: number;
  readonly label: string;
}

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f'];
const LABEL_WIDTH = 150;
const CHART_WIDTH = 900;
const ROW_HEIGHT = 30;
const TOP = 70;

export function renderTimelineSvg(timeline: Timeline, marks: readonly StepMark[] = []): string {
  const ordinals = [...new Set(timeline.pods.map((pod) => pod.ordinal))].sort((a, b) => a - b);
  const revisions = [...new Set(timeline.pods.map((pod) => pod.revision ?? 'unknown'))];
  const colour = (revision?: string) => PALETTE[revisions.indexOf(revision ?? 'unknown') % PALETTE.length] as string;
  const duration = Math.max(1, timeline.stoppedAt - timeline.startedAt);
  const x = (at: number) =>
    LABEL_WIDTH +
    ((Math.min(Math.max(at, timeline.startedAt), timeline.stoppedAt) - timeline.startedAt) / duration) * CHART_WIDTH;
  const rowY = (ordinal: number) => TOP + ordinals.indexOf(ordinal) * ROW_HEIGHT;
  const stepRows = Math.ceil(marks.length / 2);
  const chartBottom = TOP + Math.max(1, ordinals.length) * ROW_HEIGHT;
  const height = chartBottom + 24 + stepRows * 14 + 54;
  const width = LABEL_WIDTH + CHART_WIDTH + 20;
  const parts: string[] = [];

  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(
    text(
      10,
      20,
      `StatefulSet ${timeline.namespace}/${timeline.statefulSet}: pods by ordinal`,
      'font-size="14" font-weight="bold"',
    ),
  );

  // Time axis.
  const seconds = duration / 1000;
  const tick = niceTick(seconds);
  for (let s = 0; s <= seconds; s += tick) {
    const tx = LABEL_WIDTH + (s / seconds) * CHART_WIDTH;
    parts.push(
      `<line x1="${tx}" y1="${TOP - 8}" x2="${tx}" y2="${TOP + ordinals.length * ROW_HEIGHT}" stroke="#e0e0e0"/>`,
    );
    parts.push(text(tx, TOP - 12, `${round(s)}s`, 'font-size="10" text-anchor="middle" fill="#666"'));
  }

  for (const ordinal of ordinals) {
    const y = rowY(ordinal);
    parts.push(text(10, y + 19, `${timeline.statefulSet}-${ordinal}`, 'font-size="12"'));
    for (const life of timeline.pods.filter((pod) => pod.ordinal === ordinal))
      parts.push(...lifeSpans(life, timeline, x, y, colour(life.revision)));
  }

  // Kubernetes events on the pods, as ticks with the reason in a tooltip.
  for (const event of timeline.events) {
    const match = /^Pod\/(.+)-(\d+)$/.exec(event.object);
    if (!match || match[1] !== timeline.statefulSet) continue;
    const ordinal = Number(match[2]);
    if (!ordinals.includes(ordinal)) continue;
    const ex = x(event.at.receivedAt);
    const y = rowY(ordinal);
    const warning = event.type === 'Warning';
    parts.push(
      `<line x1="${ex}" y1="${y + 2}" x2="${ex}" y2="${y + 8}" stroke="${warning ? '#d62728' : '#333'}" stroke-width="1.5"><title>${escape(`${event.reason}: ${event.message ?? ''}`)}</title></line>`,
    );
  }

  // Scenario steps: a numbered dashed line each (numbers staggered so close steps stay legible),
  // and the list of steps under the chart.
  for (const [index, mark] of marks.entries()) {
    const mx = x(mark.at);
    parts.push(
      `<line x1="${mx}" y1="${TOP - 4}" x2="${mx}" y2="${chartBottom + 4}" stroke="#555" stroke-dasharray="4 3"><title>${escape(`${index + 1}. ${mark.label}`)}</title></line>`,
    );
    parts.push(
      text(
        mx,
        chartBottom + 14 + (index % 2) * 10,
        String(index + 1),
        'font-size="9" text-anchor="middle" fill="#333"',
      ),
    );
  }
  for (const [index, mark] of marks.entries()) {
    const column = index < stepRows ? 0 : 1;
    const row = column === 0 ? index : index - stepRows;
    const offset = ((mark.at - timeline.startedAt) / 1000).toFixed(1);
    parts.push(
      text(
        10 + column * ((width - 20) / 2),
        chartBottom + 44 + row * 14,
        `${index + 1}. +${offset}s ${truncate(mark.label, 70)}`,
        'font-size="10" fill="#333"',
      ),
    );
  }

  // Legend.
  const legendY = height - 22;
  let lx = 10;
  for (const revision of revisions) {
    parts.push(`<rect x="${lx}" y="${legendY - 10}" width="14" height="12" fill="${colour(revision)}"/>`);
    parts.push(text(lx + 18, legendY, revision, 'font-size="11"'));
    lx += 30 + revision.length * 6.5;
  }
  for (const [label, style] of [
    ['pending', 'fill="#888" fill-opacity="0.3"'],
    ['Ready', 'fill="#888"'],
    ['not Ready', 'fill="url(#hatch)"'],
    ['terminating', 'fill="#444" fill-opacity="0.55"'],
  ] as const) {
    parts.push(`<rect x="${lx}" y="${legendY - 10}" width="14" height="12" ${style}/>`);
    parts.push(text(lx + 18, legendY, label, 'font-size="11"'));
    lx += 30 + label.length * 6.5;
  }

  const defs =
    '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ddd"/><line x1="0" y1="0" x2="0" y2="6" stroke="#999" stroke-width="3"/></pattern></defs>';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">${defs}${parts.join('')}</svg>\n`;
}

function lifeSpans(life: PodLife, timeline: Timeline, x: (at: number) => number, y: number, fill: string): string[] {
  const spans: string[] = [];
  const end = life.events.find((event) => event.transition === 'deleted')?.at.receivedAt ?? timeline.stoppedAt;
  let state: 'pending' | 'ready' | 'notReady' | 'terminating' = 'pending';
  let since = life.events[0]?.at.receivedAt ?? timeline.startedAt;
  const close = (until: number) => {
    if (until <= since && state !== 'terminating') return;
    const x1 = x(since);
    const w = Math.max(1.5, x(until) - x1);
    const title = escape(
      `${life.pod} uid ${life.uid.slice(0, 8)} ${life.revision ?? ''}: ${state} ${round((since - timeline.startedAt) / 1000)}s-${round((until - timeline.startedAt) / 1000)}s`,
    );
    const style =
      state === 'pending'
        ? `fill="${fill}" fill-opacity="0.3"`
        : state === 'ready'
          ? `fill="${fill}"`
          : state === 'notReady'
            ? 'fill="url(#hatch)"'
            : 'fill="#444" fill-opacity="0.55"';
    spans.push(
      `<rect x="${x1}" y="${y + 8}" width="${w}" height="${ROW_HEIGHT - 14}" ${style} stroke="${fill}" stroke-width="0.5"><title>${title}</title></rect>`,
    );
  };
  for (const event of life.events) {
    const next =
      event.transition === 'ready'
        ? 'ready'
        : event.transition === 'notReady'
          ? 'notReady'
          : event.transition === 'deletionRequested'
            ? 'terminating'
            : undefined;
    if (!next || next === state || state === 'terminating') continue;
    close(event.at.receivedAt);
    state = next;
    since = event.at.receivedAt;
  }
  close(end);
  // A thin line where the incarnation began, so a recreated pod is visible.
  const start = x(life.events[0]?.at.receivedAt ?? timeline.startedAt);
  spans.push(
    `<line x1="${start}" y1="${y + 5}" x2="${start}" y2="${y + ROW_HEIGHT - 3}" stroke="${fill}" stroke-width="2"><title>${escape(`${life.pod} created (uid ${life.uid.slice(0, 8)}, revision ${life.revision ?? '?'})`)}</title></line>`,
  );
  return spans;
}

function truncate(value: string, length: number): string {
  return value.length <= length ? value : `${value.slice(0, length - 1)}…`;
}

function niceTick(seconds: number): number {
  for (const step of [1, 2, 5, 10, 15, 30, 60, 120, 300, 600]) if (seconds / step <= 12) return step;
  return 1200;
}

function round(value: number): string {
  return value.toFixed(value < 10 ? 1 : 0);
}

function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${x}" y="${y}" ${attributes}>${escape(content)}</text>`;
}

function escape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
