import { describe, expect, it } from 'vitest';
import { apiServerUnreachable, upgradePlan } from './kind-upgrade.js';

describe('in-place kind upgrade plan', () => {
  const phases = upgradePlan({
    controlPlane: 'c-control-plane',
    workers: ['c-worker', 'c-worker2'],
    version: 'v1.34.10',
    binDir: '/cache/bin',
    imagesTar: '/cache/components.tar',
  });
  const plan = phases.flatMap((phase) => phase.steps);
  const index = (node: string, what: string) => plan.findIndex((step) => step.node === node && step.what === what);

  it('upgrades the control plane before any worker, with its images imported first', () => {
    expect(plan[0]?.node).toBe('c-control-plane');
    expect(index('c-control-plane', 'import control-plane images into containerd')).toBeLessThan(
      index('c-control-plane', 'kubeadm upgrade apply v1.34.10'),
    );
    expect(index('c-control-plane', 'restart kubelet')).toBeLessThan(index('c-worker', 'drain'));
  });

  it('drains, upgrades, restarts and uncordons one worker before the next', () => {
    const order = ['drain', 'kubeadm upgrade node', 'copy kubelet v1.34.10', 'restart kubelet', 'uncordon'];
    const first = order.map((what) => index('c-worker', what));
    expect(first).toEqual([...first].sort((a, b) => a - b));
    expect(first.at(-1)).toBeLessThan(index('c-worker2', 'drain'));
    expect(plan.find((step) => step.what === 'drain')?.docker).toContain('c-worker');
  });

  it('ends a phase with each node it upgrades, so the runner can wait for that node before the next', () => {
    expect(phases.map((phase) => phase.node)).toEqual([undefined, 'c-control-plane', 'c-worker', 'c-worker2']);
    expect(phases[0]?.steps.every((step) => step.what.includes('images') || step.what.includes('archive'))).toBe(true);
    expect(phases.slice(2).every((phase) => phase.steps.every((step) => step.node === phase.node))).toBe(true);
  });

  it('repeats only the kubectl steps that are safe to repeat', () => {
    expect(plan.filter((step) => step.repeatable).map((step) => step.what)).toEqual([
      'drain',
      'uncordon',
      'drain',
      'uncordon',
    ]);
  });
});

describe('which failures of a repeatable upgrade step are repeated', () => {
  // kubectl's output in the measured runs, while the control plane's static pods restarted.
  it.each([
    'The connection to the server sts-upgrade-control-plane:6443 was refused - did you specify the right host or port?',
    'error: Get "https://sts-upgrade-control-plane:6443/api/v1/nodes/sts-upgrade-worker": net/http: TLS handshake timeout - error from a previous attempt: read tcp 172.18.0.2:56782->172.18.0.2:6443: read: connection reset by peer',
    'Error from server (ServiceUnavailable): the server is currently unable to handle the request',
  ])('an unreachable API server: %s', (output) => {
    expect(apiServerUnreachable(output)).toBe(true);
  });

  it.each([
    'error: unable to drain node "c-worker" due to error: cannot delete Pods with local storage',
    'Error from server (NotFound): nodes "c-worker3" not found',
    'error when evicting pods/"web-0" -n "ns" (will retry after 5s): Cannot evict pod as it would violate the pod\'s disruption budget.',
  ])('an answer: %s', (output) => {
    expect(apiServerUnreachable(output)).toBe(false);
  });
});
