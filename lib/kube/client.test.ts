import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { call, isTransient, transientRetries } from './client.js';

const apiError = (code: number, message = '') =>
  new ApiException(code, 'failed', JSON.stringify({ reason: 'x', message }), {});

describe('call', () => {
  it('retries transient infrastructure failures and logs each retry', async () => {
    const before = transientRetries.length;
    let attempts = 0;
    const result = await call('read Pod ns/web-0', async () => {
      attempts++;
      if (attempts < 3) throw apiError(503, 'the server is currently unable to handle the request');
      return 'pod';
    });
    expect(result).toBe('pod');
    expect(attempts).toBe(3);
    expect(transientRetries.slice(before).map((retry) => [retry.what, retry.attempt])).toEqual([
      ['read Pod ns/web-0', 1],
      ['read Pod ns/web-0', 2],
    ]);
  });

  it('does not retry an answer (404, 409, 422) and says what failed in one line', async () => {
    let attempts = 0;
    await expect(
      call('read Pod ns/web-9', async () => {
        attempts++;
        throw apiError(404, 'pods "web-9" not found');
      }),
    ).rejects.toThrow('read Pod ns/web-9 failed: 404 x: pods "web-9" not found');
    expect(attempts).toBe(1);
  });

  it('does not retry verbs marked as not idempotent', async () => {
    let attempts = 0;
    await expect(
      call(
        'create Namespace n',
        async () => {
          attempts++;
          throw apiError(503);
        },
        { retry: false },
      ),
    ).rejects.toThrow(/create Namespace n failed: 503/);
    expect(attempts).toBe(1);
  });
});

describe('isTransient', () => {
  it('knows what the infrastructure says when it is restarting or overloaded', () => {
    expect(isTransient(apiError(429))).toBe(true);
    expect(isTransient(apiError(500, 'etcdserver: leader changed'))).toBe(true);
    expect(isTransient(apiError(500, 'Internal error occurred: admission webhook denied'))).toBe(false);
    expect(isTransient(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransient(apiError(422))).toBe(false);
  });

  it('rides out an API server restart: dropped TLS handshakes and the RBAC warm-up, not a real Forbidden', () => {
    // As client-node reported them while kind's kube-apiserver container was restarted.
    const handshake = Object.assign(
      new Error(
        'request to https://127.0.0.1:38793/api/v1/namespaces/default/pods failed, reason: Client network socket disconnected before secure TLS connection was established',
      ),
      { code: 'ECONNRESET' },
    );
    expect(isTransient(handshake)).toBe(true);
    expect(
      isTransient(
        apiError(
          403,
          'pods is forbidden: User "kubernetes-admin" cannot list resource "pods" in API group "" in the namespace "default": RBAC: [clusterrole.rbac.authorization.k8s.io "system:public-info-viewer" not found, clusterrole.rbac.authorization.k8s.io "cluster-admin" not found]',
        ),
      ),
    ).toBe(true);
    expect(
      isTransient(
        apiError(
          403,
          'namespaces "sts-upgrade-check-long-lived-63f7bd" is forbidden: User "kubernetes-admin" cannot get resource "namespaces" in API group "" in the namespace "sts-upgrade-check-long-lived-63f7bd"',
        ),
      ),
    ).toBe(true);
    expect(
      isTransient(
        apiError(
          403,
          'pods is forbidden: User "system:serviceaccount:x:y" cannot list resource "pods" in API group ""',
        ),
      ),
    ).toBe(false);
    expect(
      isTransient(
        apiError(
          403,
          'pods "web-3" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=3, limited: pods=3',
        ),
      ),
    ).toBe(false);
  });
});
