/**
 * "The optional .spec.persistentVolumeClaimRetentionPolicy field controls if and how PVCs are
 * deleted during the lifecycle of a StatefulSet": whenDeleted (the StatefulSet is deleted) and
 * whenScaled (replicas reduced), each Retain (the default) or Delete; "the StatefulSet controller
 * adds owner references to its PVCs, which are then deleted by the garbage collector after the
 * Pod is terminated". A claim another controller owns is left alone. Upstream e2e #22-#24
 * (retention), documented G9 (claims kept on scale-down by default) and G10 (a claim goes only
 * after its pod).
 *
 * The four combinations run side by side, one namespace each, so the whole matrix costs one
 * scale-down and one deletion of wall time.
 */
import { claimRetention, type RetentionPolicy } from '../../lib/invariants/retention.js';
import { between, type Window } from '../../lib/observe/timeline.js';
import { describe, test, type Scenario } from '../../lib/harness/scenario.js';
import { deployClaimKeeper } from '../../lib/workloads/claim-keeper.js';
import type { WorkloadContext } from '../../lib/workloads/context.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { BEHAVIOUR_DOCS } from './docs.js';

const REPLICAS = 3;
const SCALED = 1;
const FOREIGN_ORDINAL = 2;

interface Combination {
  readonly policy: RetentionPolicy;
  /** undefined: the field is left out, which is Retain/Retain. */
  readonly explicit: boolean;
  /** Whether data-web-2 is given to another controller before the scale-down. */
  readonly otherController: boolean;
  context?: WorkloadContext;
  web?: WebStatefulSet;
}

const COMBINATIONS: readonly Combination[] = [
  { policy: { whenScaled: 'Retain', whenDeleted: 'Retain' }, explicit: false, otherController: false },
  { policy: { whenScaled: 'Retain', whenDeleted: 'Delete' }, explicit: true, otherController: false },
  { policy: { whenScaled: 'Delete', whenDeleted: 'Retain' }, explicit: true, otherController: true },
  { policy: { whenScaled: 'Delete', whenDeleted: 'Delete' }, explicit: true, otherController: false },
];

const label = (combination: Combination) =>
  `whenScaled ${combination.policy.whenScaled}, whenDeleted ${combination.policy.whenDeleted}${combination.explicit ? '' : ' (the default: no policy set)'}`;

function judge(scenario: Scenario, combination: Combination, policy: RetentionPolicy, marks: Record<string, Window>) {
  return async () =>
    claimRetention(await scenario.timeline('web', combination.context?.namespace), {
      window: between(marks.start as Window, marks.deleted as Window),
      policy,
      scaleDown: { from: REPLICAS, to: SCALED, doneRv: (marks.scaled as Window).afterRv },
      setDeleted: { doneRv: (marks.deleted as Window).afterRv },
      otherController: combination.otherController ? [FOREIGN_ORDINAL] : [],
    });
}

describe('claim retention policy', () => {
  test('all four whenScaled/whenDeleted combinations keep or delete claims as documented, a claim owned by another controller stays, and a scaled-away claim goes only after its pod', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Claim retention policy', docs: BEHAVIOUR_DOCS.claimRetention });
    await scenario.requires({
      gates: [{ name: 'StatefulSetAutoDeletePVC', enables: 'persistentVolumeClaimRetentionPolicy' }],
    });
    const marks: Record<string, Window> = { start: await scenario.checkpoint() };
    const combinations = COMBINATIONS.map((combination) => ({ ...combination }));
    (combinations[0] as Combination).context = scenario;
    for (const combination of combinations.slice(1))
      combination.context = await scenario.secondNamespace(
        `${combination.policy.whenScaled}-${combination.policy.whenDeleted}`,
      );
    const control = await scenario.secondNamespace('claim deleted by hand');

    await scenario.step(`apply web with ${REPLICAS} replicas in four namespaces, one per combination`, async () => {
      for (const combination of combinations) {
        combination.web = await WebStatefulSet.deploy(combination.context as WorkloadContext, {
          replicas: REPLICAS,
          claimRetention: combination.explicit ? combination.policy : undefined,
        });
      }
    });
    const controlWeb = await scenario.step('control: apply web with 2 replicas and the default policy', () =>
      WebStatefulSet.deploy(control, { replicas: 2 }),
    );
    await scenario.step(`every web has ${REPLICAS} Ready replicas (the control 2)`, async () => {
      for (const combination of combinations) await combination.web?.waitReady(REPLICAS);
      await controlWeb.waitReady(2);
    });
    const foreign = combinations.find((combination) => combination.otherController) as Combination;
    await scenario.step(
      `give data-web-${FOREIGN_ORDINAL} (${label(foreign)}) to another controller, a ConfigMap`,
      async () =>
        foreign.web?.giveClaimTo(FOREIGN_ORDINAL, await deployClaimKeeper(foreign.context as WorkloadContext)),
    );
    const claims = await scenario.step('note every claim', async () => {
      const noted = new Map<Combination, Map<number, string | undefined>>();
      for (const combination of combinations)
        noted.set(combination, await (combination.web as WebStatefulSet).claimUids([0, 1, 2]));
      return noted;
    });

    await scenario.step(
      `scale every web to ${SCALED}; wait for the pods, and the claims whenScaled Delete takes`,
      async () => {
        for (const combination of combinations) await combination.web?.scaleTo(SCALED);
        for (const combination of combinations) {
          const web = combination.web as WebStatefulSet;
          await web.waitReady(SCALED);
          for (const ordinal of [2, 1]) await web.waitPodGone(ordinal);
          if (combination.policy.whenScaled === 'Delete') {
            const taken = [...(claims.get(combination) ?? [])].filter(
              ([ordinal]) => ordinal >= SCALED && !(combination.otherController && ordinal === FOREIGN_ORDINAL),
            );
            await web.waitClaimsGone(new Map(taken));
          }
        }
      },
    );
    await scenario.step('control: delete data-web-1 by hand while web-1 runs, then scale to 1', async () => {
      const noted = await controlWeb.claimUids([1]);
      await controlWeb.deleteClaim(1);
      await controlWeb.scaleTo(1);
      await controlWeb.waitPodGone(1);
      await controlWeb.waitClaimsGone(noted);
    });
    marks.scaled = await scenario.checkpoint();

    await scenario.step('delete every StatefulSet (propagation Background, as kubectl delete does)', async () => {
      const uids = new Map<Combination, string>();
      for (const combination of combinations)
        uids.set(combination, await (combination.web as WebStatefulSet).delete('Background'));
      for (const combination of combinations) {
        const web = combination.web as WebStatefulSet;
        await web.waitGone(uids.get(combination) as string);
        if (combination.policy.whenDeleted === 'Delete') {
          const owned = [...(claims.get(combination) ?? [])].filter(
            ([ordinal]) => ordinal < SCALED || combination.policy.whenScaled === 'Retain',
          );
          await web.waitClaimsGone(new Map(owned));
        }
      }
    });
    marks.deleted = await scenario.checkpoint();

    for (const combination of combinations) {
      await scenario.expectHolds(await judge(scenario, combination, combination.policy, marks)());
    }

    // Negative controls, on the same recordings: each judged against a policy it did not have, and
    // the claim deleted by hand while its pod ran judged as if whenScaled Delete had taken it.
    const [retainRetain, , , deleteDelete] = combinations as [Combination, Combination, Combination, Combination];
    await scenario.expectViolated(await judge(scenario, retainRetain, deleteDelete.policy, marks)(), [
      'claim-kept-against-policy',
      'claim-owner-mismatch',
    ]);
    await scenario.expectViolated(await judge(scenario, deleteDelete, retainRetain.policy, marks)(), [
      'claim-deleted-against-policy',
      'claim-owner-mismatch',
    ]);
    await scenario.expectViolated(
      claimRetention(await scenario.timeline('web', control.namespace), {
        window: between(marks.start as Window, marks.scaled as Window),
        policy: { whenScaled: 'Delete', whenDeleted: 'Retain' },
        scaleDown: { from: 2, to: 1, doneRv: (marks.scaled as Window).afterRv },
      }),
      ['claim-deleted-before-pod'],
    );
  });
});
