import { describe, expect, it } from 'vitest';
import type { ControllerContract } from '../kube/cluster-facts.js';
import { decide, gateState, minorOf } from './applicability.js';

const METRIC = "the API server's kubernetes_feature_enabled metric";
const v134: ControllerContract = {
  serverVersion: 'v1.34.10',
  maxUnavailableStatefulSet: false,
  gates: { MaxUnavailableStatefulSet: false, StatefulSetAutoDeletePVC: true },
  gatesSource: METRIC,
  workers: 0,
};

describe('gateState', () => {
  it('takes a listed gate from the metric', () => {
    expect(gateState(v134, 'MaxUnavailableStatefulSet')).toEqual({ on: false, source: METRIC });
  });

  it('knows a gate removed after GA is on, and a gate before its first release is off', () => {
    expect(gateState(v134, 'StatefulSetStartOrdinal')).toEqual({ on: true, source: 'GA and locked on since 1.31' });
    expect(gateState({ ...v134, serverVersion: 'v1.25.3', gates: {} }, 'StatefulSetStartOrdinal').on).toBe(false);
    expect(gateState({ ...v134, serverVersion: 'v1.28.0', gates: {} }, 'StatefulSetStartOrdinal')).toEqual({
      on: true,
      source: 'the 1.28 default (the API server did not list the gate)',
    });
  });

  it('says when it cannot know', () => {
    expect(gateState(v134, 'SomethingElse').on).toBeUndefined();
    expect(minorOf('v1.34.10')).toBe(34);
    expect(minorOf('garbage')).toBeUndefined();
  });
});

describe('decide', () => {
  it('runs when every dependency is met, with the reasons', () => {
    const decision = decide(v134, {
      gates: [{ name: 'StatefulSetAutoDeletePVC', enables: 'claim retention policies' }],
      sinceMinor: { minor: 31, what: 'spec.ordinals.start' },
    });
    expect(decision).toEqual({
      applies: true,
      trapExpected: false,
      reasons: [
        'Kubernetes v1.34.10',
        'spec.ordinals.start: Kubernetes 1.31+',
        `feature gate StatefulSetAutoDeletePVC on (${METRIC}): claim retention policies`,
      ],
    });
  });

  it('is not applicable with a gate off, naming the gate and where its state came from', () => {
    const decision = decide(v134, {
      gates: [{ name: 'MaxUnavailableStatefulSet', enables: 'maxUnavailable in rolling updates' }],
    });
    expect(decision).toEqual({
      applies: false,
      reasons: [
        `not applicable here: maxUnavailable in rolling updates needs the feature gate MaxUnavailableStatefulSet, which is off on this cluster (${METRIC})`,
      ],
    });
  });

  it('is not applicable on an older version or without the worker nodes', () => {
    const decision = decide(
      { ...v134, serverVersion: 'v1.30.2' },
      { sinceMinor: { minor: 31, what: 'x' }, workers: { count: 2, why: 'stopping a node' } },
    );
    expect(decision.applies).toBe(false);
    expect(decision.reasons).toEqual([
      'not applicable here: x needs Kubernetes 1.31+, this cluster runs v1.30.2',
      'not applicable here: stopping a node needs 2 worker nodes, this cluster has 0 (a whole-cluster scenario: run it alone on a cluster of its own)',
    ]);
  });

  it('expects an open trap, and flips the expectation from the version that fixes it', () => {
    const open = decide(v134, { trap: { issue: 'kubernetes/kubernetes#67250' } });
    expect(open).toMatchObject({ applies: true, trapExpected: true });
    expect(open.reasons[1]).toBe(
      "asserts today's behaviour of kubernetes/kubernetes#67250 (open upstream, no fixed version)",
    );
    const fixed = decide(v134, { trap: { issue: 'kubernetes/kubernetes#1', fixedInMinor: 33 } });
    expect(fixed).toMatchObject({ applies: true, trapExpected: false });
  });
});
