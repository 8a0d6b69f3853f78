/**
 * Disruptive: restarts the cluster's API server. Runs only when named
 * (`npm run e2e -- apiserver-restart`), after every other scenario of the run and alone, and
 * only on a kind cluster reached by name, never through --kubeconfig.
 *
 * What it proves about the suite, not about StatefulSets: a recorder whose watches break
 * resumes or relists, a verdict over a window it did not fully see is inconclusive (never a
 * pass, never an accusation), and the run goes on: the next scenario records and judges as usual.
 */
import { restartApiServer } from '../../lib/cluster/control-plane.js';
import { describe, test } from '../../lib/harness/scenario.js';
import { orderedCreation } from '../../lib/invariants/ordering.js';
import { statusMatchesPods } from '../../lib/invariants/status.js';
import { WHOLE_TIMELINE } from '../../lib/observe/timeline.js';
import { formatDuration } from '../../lib/support/format.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { DOCS } from '../core/docs.js';

/** What coverage.ts says about a recorder gap over pods or the StatefulSet. */
const RECORDER_GAP = /the recorder missed (pods|statefulsets) changes/;

describe('API server restart (disruptive)', () => {
  test('a restart while web-1 is held leaves a recorder gap: ordered creation and the status check are inconclusive, not passed', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Recorder under faults', docs: DOCS.guarantees });
    scenario.skipStatusCheck('web');
    const window = await scenario.checkpoint();
    const ordered = scenario.declare('ordered creation', 'web', (timeline) =>
      orderedCreation(timeline, { window, ordinals: [0, 1, 2] }),
    );
    const web = await scenario.step('apply web: 3 replicas whose pods start not Ready', () =>
      WebStatefulSet.deploy(scenario, { replicas: 3, startReady: false }),
    );
    await scenario.step('web-0 runs; release it', async () => {
      await web.waitPodRunningNotReady(0);
      await web.markReady(0);
    });
    await scenario.step('web-1 runs; hold it not Ready', () => web.waitPodRunningNotReady(1));
    await scenario.step('the controller has observed the hold: 2 pods, 1 Ready', () =>
      web.waitControllerReports({ replicas: 2, readyReplicas: 1 }),
    );
    const restart = await scenario.step('restart the API server (stop its container; kubelet starts another)', () =>
      restartApiServer(scenario.cluster),
    );
    await scenario.note('API server outage', {
      'stopped container': restart.stoppedContainer.slice(0, 13),
      'new container': restart.newContainer.slice(0, 13),
      'outage until an authorized request succeeded': formatDuration(restart.outageMs / 1000),
    });
    await scenario.step('release web-1; web-2 follows; release it', async () => {
      await web.markReady(1);
      await web.waitPodRunningNotReady(2);
      await web.markReady(2);
    });
    await scenario.step('web has 3 Ready replicas', () => web.waitReady(3));

    await scenario.expectInconclusive(ordered, RECORDER_GAP);
    await scenario.expectInconclusive(
      statusMatchesPods(await scenario.timeline('web'), { window: WHOLE_TIMELINE }),
      RECORDER_GAP,
    );
  });

  test('the run goes on after the restart: a new scenario records and its verdict holds', async ({ scenario }) => {
    await scenario.about({ feature: 'Recorder under faults', docs: DOCS.guarantees });
    const window = await scenario.checkpoint();
    const ordered = scenario.declare('ordered creation', 'web', (timeline) =>
      orderedCreation(timeline, { window, ordinals: [0, 1] }),
    );
    const web = await scenario.step('apply web: 2 replicas', () => WebStatefulSet.deploy(scenario, { replicas: 2 }));
    await scenario.step('web has 2 Ready replicas', () => web.waitReady(2));
    await scenario.expectHolds(ordered);
  });
});
