import { setTimeout as delay } from 'node:timers/promises';
import { call } from '../kube/client.js';
import type { OwnedNamespace } from '../kube/namespace.js';
import type { ProbeWrite } from './latency.js';
import { kubeSource, TimelineRecorder } from './recorder.js';

/**
 * The benchmark's clock of resourceVersions (see latency.ts): writes a small Event into its own
 * namespace every `intervalMs`, notes when each request left and its answer came back with the
 * write's resourceVersion, and records the namespace's Events with the suite's own recorder, so
 * its writes also measure the recorder's latency directly. Events, because nothing reacts to
 * them: the probe does not disturb the scenarios it runs beside.
 */
export interface LatencyProbe {
  /** Stops writing and recording; the writes, each with the moment the recorder received it, and the failed ones. */
  stop(): Promise<{ writes: ProbeWrite[]; failures: string[] }>;
}

/**
 * `writers` loops each write every `intervalMs`, staggered: a write's bracket is at least one
 * round trip wide, and several writers in flight keep a probe write close on either side of
 * any other write even when a round trip takes longer than the interval (a loaded machine).
 */
export async function startLatencyProbe(
  namespace: OwnedNamespace,
  options: { writers?: number; intervalMs?: number } = {},
): Promise<LatencyProbe> {
  const writers = options.writers ?? 4;
  const intervalMs = options.intervalMs ?? 100;
  const recorder = await TimelineRecorder.startWith(namespace.name, (resource) => kubeSource(namespace, resource), {
    resources: ['events'],
  });
  const writes: Array<Omit<ProbeWrite, 'receivedAt'>> = [];
  const failures: string[] = [];
  const stopping = new AbortController();
  const write = async (writer: number) => {
    await delay((writer * intervalMs) / writers, undefined, { signal: stopping.signal }).catch(() => undefined);
    for (let count = 0; !stopping.signal.aborted; count++) {
      const index = `${writer}-${count}`;
      const sentAt = Date.now();
      const event = await call(
        `create probe Event ${index} in ${namespace.name}`,
        () =>
          namespace.kube.core.createNamespacedEvent({
            namespace: namespace.name,
            body: {
              metadata: { name: `latency-probe-${index}` },
              // A namespaced object in the Event's own namespace, as Event validation requires; it need not exist.
              involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: 'latency-probe', namespace: namespace.name },
              reason: 'LatencyProbe',
              message: `write ${index}`,
              type: 'Normal',
              source: { component: 'sts-conformance-bench' },
            },
          }),
        { retry: false },
      ).catch((error: Error) => {
        failures.push(error.message);
        return undefined;
      });
      const respondedAt = Date.now();
      const rv = Number(event?.metadata?.resourceVersion);
      if (Number.isFinite(rv) && rv > 0) writes.push({ rv, sentAt, respondedAt });
      // The probe's pace, not a wait for anything: one write per interval.
      await delay(Math.max(0, intervalMs - (respondedAt - sentAt)), undefined, { signal: stopping.signal }).catch(
        () => undefined,
      );
    }
  };
  const running = Promise.all(Array.from({ length: writers }, (_, writer) => write(writer)));
  return {
    async stop() {
      stopping.abort();
      await running;
      const recording = await recorder.stop();
      const received = new Map<number, number>();
      for (const record of recording.records)
        if (record.type === 'ADDED') received.set(Number(record.object.metadata?.resourceVersion), record.receivedAt);
      return { writes: writes.map((write) => ({ ...write, receivedAt: received.get(write.rv) })), failures };
    },
  };
}
