import { describe, expect, it } from 'vitest';
import { SyntheticHistory } from '../observe/synthetic.js';
import { buildTimeline, WHOLE_TIMELINE } from '../observe/timeline.js';
import { podClaimsPresent } from './pending-claims.js';
import { kindsOf } from './verdict.js';

const judged = (history: SyntheticHistory) =>
  podClaimsPresent(buildTimeline(history.recording(), 'web'), { window: WHOLE_TIMELINE });

describe('podClaimsPresent', () => {
  it('holds when a claim deleted under a pending pod is made again and the pod starts', () => {
    const history = new SyntheticHistory().claim('data-web-0').create(0);
    history.claim('data-web-0', { deletionRequested: true }).claim('data-web-0', { deleted: true });
    history.claim('data-web-0').schedule(0).run(0).ready(0);
    expect(judged(history)).toMatchObject({ outcome: 'holds' });
  });

  it('rejects a pending pod left without its claim', () => {
    const history = new SyntheticHistory().claim('data-web-0').create(0);
    history.claim('data-web-0', { deletionRequested: true }).claim('data-web-0', { deleted: true });
    const result = judged(history);
    expect(kindsOf(result)).toEqual(['pending-pod-without-claim']);
    expect(result.violations[0]?.message).toMatch(
      /^web-0 \(uid uid-0-\d+\) had not started .* its claim data-web-0 did not exist/,
    );
  });

  it('rejects a pod created while its claim is terminating, and accepts one created after the claim is gone', () => {
    const early = new SyntheticHistory().claim('data-web-0').bringUp(0);
    early.claim('data-web-0', { deletionRequested: true }).remove(0).create(0).claim('data-web-0', { deleted: true });
    expect(kindsOf(judged(early))).toEqual(['pod-created-on-terminating-claim', 'pending-pod-without-claim']);
    const late = new SyntheticHistory().claim('data-web-0').bringUp(0);
    late.claim('data-web-0', { deletionRequested: true }).remove(0).claim('data-web-0', { deleted: true });
    late.claim('data-web-0').bringUp(0);
    expect(judged(late)).toMatchObject({ outcome: 'holds' });
  });
});
