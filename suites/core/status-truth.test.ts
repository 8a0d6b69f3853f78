/**
 * The StatefulSet status (`replicas`, `readyReplicas`, `availableReplicas`, `currentReplicas`,
 * `updatedReplicas`) is what `kubectl rollout status`, `kubectl wait` and every wait of this suite
 * read: it must agree with the pods. Every scenario checks it automatically at its end; this one
 * moves the counts on purpose (scale up, a pod made not Ready, scale down) and, as its negative
 * control, writes a status of its own as a broken controller would.
 */
import { statusMatchesPods } from '../../lib/invariants/status.js';
import { describe, test } from '../../lib/harness/scenario.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { DOCS } from './docs.js';

describe('status agrees with the pods', () => {
  test('through scale-up, a pod turning not Ready and back, and scale-down, every status written is explained by the pods', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'StatefulSet status', docs: DOCS.status });
    const window = await scenario.checkpoint();
    const truthful = scenario.declare('status agrees with pods', 'web', (timeline) =>
      statusMatchesPods(timeline, { window }),
    );
    const web = await scenario.step('apply web with 2 replicas', () =>
      WebStatefulSet.deploy(scenario, { replicas: 2 }),
    );
    await scenario.step('web has 2 Ready replicas', () => web.waitReady(2));
    await scenario.step('scale web to 4', async () => {
      await web.scaleTo(4);
      await web.waitReady(4);
    });
    await scenario.step('web-1 turns not Ready; the controller reports 3 Ready', async () => {
      await web.markNotReady(1);
      await web.waitControllerReports({ replicas: 4, readyReplicas: 3 });
    });
    await scenario.step('web-1 is Ready again', async () => {
      await web.markReady(1);
      await web.waitReady(4);
    });
    await scenario.step('scale web to 2', async () => {
      await web.scaleTo(2);
      await web.waitReady(2);
    });
    await scenario.expectHolds(truthful);
  });

  test('negative control: a status written by someone other than the controller reports status-disagrees-with-pods', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'StatefulSet status', docs: DOCS.status, negativeControl: true });
    scenario.skipStatusCheck('web');
    const window = await scenario.checkpoint();
    const truthful = scenario.declare(
      'status agrees with pods',
      'web',
      (timeline) => statusMatchesPods(timeline, { window }),
      { expects: ['status-disagrees-with-pods'] },
    );
    const web = await scenario.step('apply web with 3 replicas', () =>
      WebStatefulSet.deploy(scenario, { replicas: 3 }),
    );
    await scenario.step('web has 3 Ready replicas', () => web.waitReady(3));
    await scenario.step('write a status that says 1 of 3 Ready, though all 3 are', () =>
      web.overwriteStatus({ replicas: 3, readyReplicas: 1, availableReplicas: 1 }),
    );
    await scenario.step('the controller puts the true status back', () => web.waitReady(3));
    await scenario.expectViolated(truthful, ['status-disagrees-with-pods']);
  });
});
