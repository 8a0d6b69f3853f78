import { describe, expect, it } from 'vitest';
import { parseCrictlContainers } from './kind-runtime.js';

describe("a kind node's running containers from crictl", () => {
  it('keeps running containers with the pod labels the kubelet sets', () => {
    const json = JSON.stringify({
      containers: [
        {
          state: 'CONTAINER_RUNNING',
          labels: {
            'io.kubernetes.container.name': 'web',
            'io.kubernetes.pod.name': 'web-0',
            'io.kubernetes.pod.namespace': 'ns',
            'io.kubernetes.pod.uid': 'uid-a',
          },
        },
        {
          state: 'CONTAINER_EXITED',
          labels: { 'io.kubernetes.pod.name': 'web-1', 'io.kubernetes.pod.uid': 'uid-b' },
        },
        { state: 'CONTAINER_RUNNING', labels: {} },
      ],
    });
    expect(parseCrictlContainers('kind-worker', json)).toEqual([
      { node: 'kind-worker', namespace: 'ns', pod: 'web-0', podUid: 'uid-a', container: 'web' },
    ]);
  });

  it('an empty list is no container', () => {
    expect(parseCrictlContainers('n', '{"containers":[]}')).toEqual([]);
  });
});
