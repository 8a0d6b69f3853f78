import { describe, expect, it } from 'vitest';
import { hpaScalesTarget, replicasAfterApply, scaleMatchesSet } from './scale.js';
import { kindsOf } from './verdict.js';

describe('scaleMatchesSet', () => {
  const set = { specReplicas: 3, statusReplicas: 3, selector: 'app=web' };
  it('holds when the scale is the set, and rejects another count or selector', () => {
    expect(scaleMatchesSet([{ when: 'now', scale: { ...set }, set }])).toMatchObject({ outcome: 'holds' });
    const result = scaleMatchesSet([
      { when: 'after scale to 3', scale: { ...set, specReplicas: 2, selector: 'app=x' }, set },
    ]);
    expect(kindsOf(result)).toEqual(['scale-disagrees-with-set']);
    expect(result.violations[0]?.message).toBe(
      'after scale to 3: the scale subresource said spec.replicas 2 against 3, selector "app=x" against "app=web" of the StatefulSet',
    );
    expect(kindsOf(scaleMatchesSet([]))).toEqual(['no-observations']);
  });
});

describe('replicasAfterApply', () => {
  it('expects the manifest to win when it sets replicas, the scale to stay when it does not', () => {
    expect(replicasAfterApply({ manualScale: 4, manifestReplicas: 2, specReplicasAfterApply: 2 }).holds).toBe(true);
    expect(replicasAfterApply({ manualScale: 4, specReplicasAfterApply: 4 }).holds).toBe(true);
    expect(kindsOf(replicasAfterApply({ manualScale: 4, manifestReplicas: 2, specReplicasAfterApply: 4 }))).toEqual([
      'manual-scale-kept',
    ]);
    expect(kindsOf(replicasAfterApply({ manualScale: 4, specReplicasAfterApply: 1 }))).toEqual([
      'manual-scale-overwritten',
    ]);
  });
});

describe('hpaScalesTarget', () => {
  it('holds when AbleToScale is True and replicas reached minReplicas; rejects FailedGetScale', () => {
    expect(
      hpaScalesTarget({ minReplicas: 4, specReplicas: 4, ableToScale: { status: 'True', reason: 'SucceededRescale' } }),
    ).toMatchObject({ outcome: 'holds' });
    expect(
      kindsOf(
        hpaScalesTarget({ minReplicas: 4, ableToScale: { status: 'False', reason: 'FailedGetScale', message: 'x' } }),
      ),
    ).toEqual(['hpa-scale-unresolved']);
    expect(hpaScalesTarget({ minReplicas: 4 })).toMatchObject({ outcome: 'inconclusive' });
  });
});
