import type { WatchedResource } from '../observe/records.js';
import type { Timeline, Window } from '../observe/timeline.js';

/**
 * Why a window of the timeline was not fully observed: the recorder's gaps (a 410 relist, a watch
 * that stopped) that overlap it, for the resources a verdict reads. Transitions inside a gap
 * collapse onto the relist, so a Parallel burst could look sequential: such a window decides nothing.
 */
export function unobservedIn(
  timeline: Timeline,
  window: Window,
  resources: readonly WatchedResource[] = ['pods', 'statefulsets'],
): string[] {
  const reasons: string[] = [];
  for (const gap of timeline.gaps) {
    if (!resources.includes(gap.resource)) continue;
    const endsAfterStart = gap.untilRv === undefined || gap.untilRv > window.afterRv;
    const startsBeforeEnd = window.untilRv === undefined || gap.afterRv < window.untilRv;
    if (endsAfterStart && startsBeforeEnd) {
      const offset = ((gap.receivedAt - timeline.startedAt) / 1000).toFixed(2);
      const span =
        gap.untilRv === undefined ? `after rv ${gap.afterRv}` : `between rv ${gap.afterRv} and ${gap.untilRv}`;
      reasons.push(`the recorder missed ${gap.resource} changes ${span} (at +${offset}s: ${gap.reason})`);
    }
  }
  return reasons;
}
