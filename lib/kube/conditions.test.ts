import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { imageProblem } from './conditions.js';

/** A pod as the API server reports it while kubelet cannot get the image (shape from a kind v1.34 node). */
function pod(reason: string | undefined, message?: string, init = false): V1Pod {
  const status = {
    name: 'db',
    image: 'docker.io/library/mysql:8.0',
    imageID: '',
    ready: false,
    restartCount: 0,
    state: reason ? { waiting: { reason, message } } : { running: { startedAt: new Date() } },
  };
  return {
    metadata: { name: 'mysql-0', namespace: 'sts-x' },
    spec: {
      containers: [{ name: 'db', image: 'mysql:8.0' }],
      initContainers: init ? [{ name: 'db', image: 'mysql:8.0' }] : [],
    },
    status: init ? { initContainerStatuses: [status] } : { containerStatuses: [status] },
  };
}

describe('imageProblem', () => {
  it('names the pod, the image as the manifest wrote it, the container and kubelet words', () => {
    expect(
      imageProblem(
        pod(
          'ErrImagePull',
          'failed to pull and unpack image "docker.io/library/mysql:8.0": dial tcp: lookup registry-1 on 10.96.0.10:53: no such host',
        ),
      ),
    ).toBe(
      'Pod sts-x/mysql-0 cannot get image mysql:8.0 for container db: ErrImagePull (failed to pull and unpack image "docker.io/library/mysql:8.0": dial tcp: lookup registry-1 on 10.96.0.10:53: no such host); load the image onto the nodes or make it pullable',
    );
  });

  it('sees the back-off, a never-pull policy and init containers too', () => {
    expect(imageProblem(pod('ImagePullBackOff', 'Back-off pulling image "mysql:8.0"'))).toMatch(/ImagePullBackOff/);
    expect(imageProblem(pod('ErrImageNeverPull'))).toMatch(/: ErrImageNeverPull; load/);
    expect(imageProblem(pod('ErrImagePull', 'x', true))).toMatch(/container db: ErrImagePull/);
  });

  it('says nothing about a pod that merely starts, runs or crashes', () => {
    expect(imageProblem(pod('ContainerCreating'))).toBeUndefined();
    expect(imageProblem(pod('CrashLoopBackOff'))).toBeUndefined();
    expect(imageProblem(pod(undefined))).toBeUndefined();
    expect(imageProblem(undefined)).toBeUndefined();
  });
});
