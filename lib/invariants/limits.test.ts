import { describe, expect, it } from 'vitest';
import { SyntheticHistory } from '../observe/synthetic.js';
import { buildTimeline, WHOLE_TIMELINE } from '../observe/timeline.js';
import { forbiddenUpdatesRejected, revisionLabelLimit, updatableFields } from './limits.js';
import { kindsOf } from './verdict.js';

const LONG = 'w'.repeat(57);
const FORBIDDEN =
  "StatefulSet.apps \"web\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

describe('revisionLabelLimit', () => {
  it('holds for a long name that gets no pod and a FailedCreate event, and for a short one that gets pods', () => {
    const long = new SyntheticHistory(LONG)
      .setSpec({ replicas: 1 })
      .setStatus({ updateRevision: `${LONG}-1234567890` });
    long.event('FailedCreate', `create Pod ${LONG}-0 ... must be no more than 63 characters`);
    expect(revisionLabelLimit(buildTimeline(long.recording(), LONG), { window: WHOLE_TIMELINE })).toMatchObject({
      outcome: 'holds',
    });
    const short = new SyntheticHistory().setSpec({ replicas: 1 }).setStatus({ updateRevision: 'web-1234567890' });
    short.bringUp(0);
    const timeline = buildTimeline(short.recording(), 'web');
    expect(revisionLabelLimit(timeline, { window: WHOLE_TIMELINE })).toMatchObject({ outcome: 'holds' });
    expect(kindsOf(revisionLabelLimit(timeline, { window: WHOLE_TIMELINE, assumeTooLong: true }))).toEqual([
      'long-name-pod-created',
    ]);
  });

  it('says no-observations when a long name left no FailedCreate event, never-created when a short one made no pod', () => {
    const long = new SyntheticHistory(LONG)
      .setSpec({ replicas: 1 })
      .setStatus({ updateRevision: `${LONG}-1234567890` });
    expect(kindsOf(revisionLabelLimit(buildTimeline(long.recording(), LONG), { window: WHOLE_TIMELINE }))).toEqual([
      'no-observations',
    ]);
    const short = new SyntheticHistory().setSpec({ replicas: 1 }).setStatus({ updateRevision: 'web-1' });
    expect(kindsOf(revisionLabelLimit(buildTimeline(short.recording(), 'web'), { window: WHOLE_TIMELINE }))).toEqual([
      'never-created',
    ]);
  });
});

describe('forbiddenUpdatesRejected', () => {
  it('holds when forbidden fields get the validation error and allowed ones pass', () => {
    const result = forbiddenUpdatesRejected([
      { field: 'spec.serviceName', allowed: false, accepted: false, code: 422, message: FORBIDDEN },
      { field: 'spec.minReadySeconds', allowed: true, accepted: true },
    ]);
    expect(result).toMatchObject({ outcome: 'holds' });
  });

  it('rejects an accepted forbidden update, another error, and a rejected allowed one', () => {
    const result = forbiddenUpdatesRejected([
      { field: 'spec.serviceName', allowed: false, accepted: true },
      { field: 'spec.selector', allowed: false, accepted: false, code: 500, message: 'boom' },
      { field: 'spec.minReadySeconds', allowed: true, accepted: false, code: 422, message: 'no' },
    ]);
    expect(kindsOf(result)).toEqual(['forbidden-update-accepted', 'allowed-update-rejected']);
  });

  it('reads the updatable fields from the message', () => {
    expect(updatableFields(FORBIDDEN)).toEqual([
      'replicas',
      'ordinals',
      'template',
      'updateStrategy',
      'revisionHistoryLimit',
      'persistentVolumeClaimRetentionPolicy',
      'minReadySeconds',
    ]);
  });
});
