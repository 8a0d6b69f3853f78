/**
 * Two limits users trip over. A StatefulSet name longer than 52 characters makes the pods'
 * controller-revision-hash label longer than 63, so no pod is ever created
 * (kubernetes/kubernetes#64023, open; R5; the documentation now warns about it). And only some
 * spec fields can change: any other update gets "Forbidden: updates to statefulset spec for
 * fields other than ..." (kubernetes/kubernetes#68737 and #69041, open; R10), a list that changes
 * between versions and is reported as found.
 */
import { forbiddenUpdatesRejected, revisionLabelLimit, updatableFields } from '../../lib/invariants/limits.js';
import { describe, test } from '../../lib/harness/scenario.js';
import type { WorkloadContext } from '../../lib/workloads/context.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { BEHAVIOUR_DOCS } from './docs.js';

const FITS = `web-${'f'.repeat(48)}`;
const TOO_LONG = `web-${'l'.repeat(53)}`;

describe('limits and traps', () => {
  test(`a StatefulSet named with ${FITS.length} characters gets its pods; one with ${TOO_LONG.length} gets none and a FailedCreate event about the 63-character label limit`, async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Limits', docs: BEHAVIOUR_DOCS.limitations });
    const { trapExpected } = await scenario.requires({ trap: { issue: 'kubernetes/kubernetes#64023' } });
    const window = await scenario.checkpoint();
    const other: WorkloadContext = await scenario.secondNamespace('long name');
    const fits = await scenario.step(`apply web as ${FITS} (${FITS.length} characters), 1 replica`, () =>
      WebStatefulSet.deploy(scenario, { name: FITS, replicas: 1 }),
    );
    const tooLong = await scenario.step(`apply web as ${TOO_LONG} (${TOO_LONG.length} characters), 1 replica`, () =>
      WebStatefulSet.deploy(other, { name: TOO_LONG, replicas: 1 }),
    );
    await scenario.step(`${FITS} has 1 Ready replica`, () => fits.waitReady(1));
    if (!trapExpected) {
      await scenario.step(`${TOO_LONG} has 1 Ready replica (the trap is fixed in this version)`, () =>
        tooLong.waitReady(1),
      );
      return;
    }
    const message = await scenario.step(`the controller reports FailedCreate for ${TOO_LONG}`, async () => {
      await tooLong.waitObserved();
      return tooLong.waitEvent('FailedCreate');
    });
    await scenario.note('FailedCreate', { message });
    await scenario.expectHolds(revisionLabelLimit(await scenario.timeline(FITS), { window }));
    await scenario.expectHolds(revisionLabelLimit(await scenario.timeline(TOO_LONG, other.namespace), { window }));
    // Negative control on the same recording: the name that fits, judged as if its label were too long.
    await scenario.expectViolated(revisionLabelLimit(await scenario.timeline(FITS), { window, assumeTooLong: true }), [
      'long-name-pod-created',
    ]);
  });

  test('updating serviceName, podManagementPolicy, selector or volumeClaimTemplates is rejected as forbidden; minReadySeconds and revisionHistoryLimit are updatable', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Limits', docs: BEHAVIOUR_DOCS.scale });
    const web = await scenario.step('apply web with 1 replica', () => WebStatefulSet.deploy(scenario, { replicas: 1 }));
    await scenario.step('web has 1 Ready replica', () => web.waitReady(1));
    const attempts = await scenario.step('try each update', async () => [
      await web.tryUpdate('spec.serviceName', false, { serviceName: 'web-other' }),
      await web.tryUpdate('spec.podManagementPolicy', false, { podManagementPolicy: 'Parallel' }),
      await web.tryUpdate('spec.selector', false, { selector: { matchLabels: { app: 'web', tier: 'other' } } }),
      await web.tryUpdate('spec.volumeClaimTemplates', false, {
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '32Mi' } } },
          },
        ],
      }),
      await web.tryUpdate('spec.minReadySeconds', true, { minReadySeconds: 1 }),
      await web.tryUpdate('spec.revisionHistoryLimit', true, { revisionHistoryLimit: 5 }),
    ]);
    const message = attempts.find((attempt) => !attempt.accepted)?.message ?? '';
    await scenario.note('the updatable fields the API server names (changes between versions)', {
      fields: updatableFields(message).join(', ') || 'none found',
      message,
    });
    await scenario.expectHolds(forbiddenUpdatesRejected(attempts));
    // Negative control on the same answers: the accepted updates presented as forbidden ones.
    await scenario.expectViolated(
      forbiddenUpdatesRejected(
        attempts.filter((attempt) => attempt.allowed).map((attempt) => ({ ...attempt, allowed: false })),
      ),
      ['forbidden-update-accepted'],
    );
  });
});
