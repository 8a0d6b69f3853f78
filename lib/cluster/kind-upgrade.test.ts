import { describe, expect, it } from 'vitest';
import { upgradePlan } from './kind-upgrade.js';

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
