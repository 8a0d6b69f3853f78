import type { Scenario } from '../../lib/harness/scenario.js';
import { describeReadiness, readinessHistory, type OrdinalReadiness } from '../../lib/observe/readiness.js';
import type { Window } from '../../lib/observe/timeline.js';
import { describeMember, distinctWarnings, waitSettled, type MemberState } from '../../lib/workloads/guide-observe.js';
import type { GuideStatefulSet } from '../../lib/workloads/guide-workload.js';

/**
 * The steps every as-documented run shares: watch the guide's example until it settles, then put
 * what a reader would have seen into the report (pods, containers, warnings, logs, and how long
 * each ordinal was ever Ready).
 */
export interface Settled {
  readonly members: readonly MemberState[];
  readonly history: readonly OrdinalReadiness[];
  /** Seconds from the apply until the pods stopped changing. */
  readonly settledAfterSeconds: number;
}

export async function watchUntilSettled(
  scenario: Scenario,
  set: GuideStatefulSet,
  window: Window,
  appliedAt: number,
  quietMs: number,
): Promise<Settled> {
  const members = await scenario.step(
    `watch the pods (kubectl get pods -l ${set.shape.selector} -w) until nothing changes for ${quietMs / 1000} s`,
    () => waitSettled(set, quietMs),
  );
  const settledAfterSeconds = Math.round((Date.now() - appliedAt - quietMs) / 1000);
  const history = readinessHistory(await scenario.timeline(set.name), window);
  const logs: string[] = [];
  for (const member of members) {
    for (const container of member.containers) {
      const ordinal = Number(member.pod.slice(set.name.length + 1));
      const current = await set.logs(ordinal, { container: container.container });
      const previous =
        container.restartCount > 0 ? await set.logs(ordinal, { container: container.container, previous: true }) : '';
      logs.push(
        `--- ${member.pod}/${container.container} ---\n${tail(current)}${previous ? `\n--- ${member.pod}/${container.container}, previous run ---\n${tail(previous)}` : ''}`,
      );
    }
  }
  await scenario.note(
    `what the guide's example settled into, ${settledAfterSeconds} s after it was applied`,
    {
      pods: members.map(describeMember).join(' | ') || 'none',
      'Ready over time': history.map(describeReadiness).join(' | ') || 'no pod',
      warnings: distinctWarnings(members).join(' | ') || 'none',
    },
    { name: 'logs of every container', content: logs.join('\n\n') || '(no containers)' },
  );
  await scenario.figure(`${set.name}: seconds from apply until the pods settled`, settledAfterSeconds, 's');
  return { members, history, settledAfterSeconds };
}

const tail = (text: string, lines = 40) => text.split('\n').slice(-lines).join('\n');

/** "mysql-0, mysql-1" or "none". */
export function podList(pods: readonly string[]): string {
  return pods.length > 0 ? pods.join(', ') : 'none';
}

/** A container's log, the previous run's first if it restarted: where a crash-looping server says why. */
export async function bothRuns(set: GuideStatefulSet, ordinal: number, container?: string): Promise<string> {
  const previous = await set.logs(ordinal, { container, previous: true });
  const current = await set.logs(ordinal, { container });
  return `${previous}\n${current}`;
}
