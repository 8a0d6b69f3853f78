import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { containerStates, describeContainerState, isPodReady, type ContainerState } from '../kube/conditions.js';
import { listEvents, listPods } from '../kube/verbs.js';
import { waitFor } from '../support/wait.js';
import type { GuideStatefulSet } from './guide-workload.js';

/**
 * What the pods of a guide's StatefulSet are doing, as `kubectl get pods` and `kubectl describe
 * pod` would show a reader following the guide: which exist, which are Ready, what each container
 * is doing, and the Warning events about them (probe failures name the probe's own output). The
 * as-documented runs report this beside the guide's words.
 */
export interface MemberState {
  readonly pod: string;
  readonly exists: boolean;
  readonly phase?: string;
  readonly ready: boolean;
  readonly containers: readonly ContainerState[];
  /** The pod's Warning events, oldest first: "Unhealthy: Readiness probe failed: ERROR 1045 ... (x31)". */
  readonly warnings: readonly string[];
}

export function memberState(name: string, pod: V1Pod | undefined, events: readonly CoreV1Event[]): MemberState {
  if (!pod) return { pod: name, exists: false, ready: false, containers: [], warnings: [] };
  const time = (event: CoreV1Event) => {
    const at = event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp;
    return at ? new Date(at as unknown as string).getTime() : 0;
  };
  const warnings = events
    .filter((event) => event.type === 'Warning' && event.involvedObject?.uid === pod.metadata?.uid)
    .sort((a, b) => time(a) - time(b))
    .map((event) => {
      const count = event.count ?? event.series?.count ?? 1;
      return `${event.reason}: ${event.message?.trim()}${count > 1 ? ` (x${count})` : ''}`;
    });
  return {
    pod: name,
    exists: true,
    phase: pod.status?.phase,
    ready: isPodReady(pod),
    containers: containerStates(pod),
    warnings,
  };
}

/** "mysql-0: Running, not Ready; container mysql running, 0 restarts" (init containers that completed are left out). */
export function describeMember(member: MemberState): string {
  if (!member.exists) return `${member.pod}: absent`;
  const containers = member.containers
    .filter((state) => !(state.init && state.state === 'terminated' && state.reason === 'Completed'))
    .map((state) => `${describeContainerState(state)}${state.message ? ` [${state.message.trim()}]` : ''}`);
  return `${member.pod}: ${member.phase ?? 'no phase'}, ${member.ready ? 'Ready' : 'not Ready'}${containers.length ? `; ${containers.join('; ')}` : ''}`;
}

/** Each distinct warning once, with the pod it was last seen on and its count there. */
export function distinctWarnings(members: readonly MemberState[]): string[] {
  const latest = new Map<string, string>();
  for (const member of members)
    for (const warning of member.warnings) latest.set(warning.replace(/ \(x\d+\)$/, ''), `${member.pod}: ${warning}`);
  return [...latest.values()];
}

/**
 * What must stay the same for a set to count as settled. A crash-looping container alternates
 * between running, an error and CrashLoopBackOff, and a pod without a readiness probe between
 * Ready and not while it does: all of that is one settled state, "crash-looping".
 */
export function settledSignature(member: MemberState): string {
  const looping = (state: ContainerState) =>
    state.restartCount > 0 &&
    (state.state === 'running' || state.reason === 'CrashLoopBackOff' || state.state === 'terminated');
  const containers = member.containers.map(
    (state) => `${state.container}:${looping(state) ? 'crash-looping' : `${state.state}/${state.reason ?? ''}`}`,
  );
  const ready = member.containers.some(looping) ? 'crash-looping' : String(member.ready);
  return [member.pod, member.phase, ready, ...containers].join(' ');
}

/** Every pod of the set now (by its selector), in ordinal order, with the Warning events about each. */
export async function observeMembers(set: GuideStatefulSet): Promise<MemberState[]> {
  const namespace = set.context.namespace;
  const [pods, events] = await Promise.all([listPods(namespace, set.shape.selector), listEvents(namespace)]);
  const ordinalOf = (name: string) => Number(name.slice(set.name.length + 1));
  return pods
    .map((pod) => pod.metadata?.name ?? '')
    .filter((name) => name.startsWith(`${set.name}-`) && Number.isInteger(ordinalOf(name)))
    .sort((a, b) => ordinalOf(a) - ordinalOf(b))
    .map((name) =>
      memberState(
        name,
        pods.find((pod) => pod.metadata?.name === name),
        events,
      ),
    );
}

/**
 * Until the set's pods stop changing (which exist, which are Ready, what each container is doing)
 * for `quietMs`: how an as-documented run knows it has seen what the guide's example settles
 * into, Ready, stuck or crash-looping. Returns the members as they settled.
 */
export function waitSettled(set: GuideStatefulSet, quietMs: number, timeoutMs = 360_000): Promise<MemberState[]> {
  let last = '';
  let changedAt = Date.now();
  return waitFor(
    `the pods of StatefulSet ${set.context.namespace.name}/${set.name} to stay the same (which exist, which are Ready, what their containers do) for ${quietMs / 1000}s`,
    async () => {
      const members = await observeMembers(set);
      const signature = members.map(settledSignature).join('; ');
      if (signature !== last) {
        last = signature;
        changedAt = Date.now();
      }
      return Date.now() - changedAt >= quietMs
        ? { done: true, value: members }
        : { done: false, observed: members.map(describeMember).join(' | ') || 'no pods' };
    },
    { timeoutMs, intervalMs: 2000 },
  );
}
