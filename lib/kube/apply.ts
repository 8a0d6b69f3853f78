import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { call, statusCode } from './client.js';
import { InvalidFixtureError, type KubeObject } from './manifests.js';
import type { OwnedNamespace } from './namespace.js';
import { kubectl } from '../support/transcript.js';
import { stringify } from 'yaml';

const FIELD_MANAGER = 'sts-conformance';

/** The request every apply sends: server-side apply, the suite as field manager, and strict field validation. */
interface ApplyRequest {
  name: string;
  namespace: string;
  body: KubeObject;
  fieldManager: string;
  fieldValidation: 'Strict';
  force: boolean;
  dryRun?: 'All';
}

type Applier = (namespace: OwnedNamespace, request: ApplyRequest) => Promise<unknown>;

const SERVER_SIDE_APPLY = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);

/**
 * The namespaced kinds fixtures may contain. The typed patch calls send the body untouched;
 * client-node's generic object API would serialize it through its models and silently drop
 * unknown fields, which is exactly what `fieldValidation: Strict` exists to reject.
 */
const APPLIERS: Record<string, Applier> = {
  'v1/ConfigMap': ({ kube }, request) => kube.core.patchNamespacedConfigMap(request, SERVER_SIDE_APPLY),
  'v1/Secret': ({ kube }, request) => kube.core.patchNamespacedSecret(request, SERVER_SIDE_APPLY),
  'v1/Service': ({ kube }, request) => kube.core.patchNamespacedService(request, SERVER_SIDE_APPLY),
  'v1/ServiceAccount': ({ kube }, request) => kube.core.patchNamespacedServiceAccount(request, SERVER_SIDE_APPLY),
  'v1/Pod': ({ kube }, request) => kube.core.patchNamespacedPod(request, SERVER_SIDE_APPLY),
  'v1/PersistentVolumeClaim': ({ kube }, request) =>
    kube.core.patchNamespacedPersistentVolumeClaim(request, SERVER_SIDE_APPLY),
  'apps/v1/StatefulSet': ({ kube }, request) => kube.apps.patchNamespacedStatefulSet(request, SERVER_SIDE_APPLY),
  // The upgrade check's continuity probes: a pod that comes back wherever it is evicted to.
  'apps/v1/Deployment': ({ kube }, request) => kube.apps.patchNamespacedDeployment(request, SERVER_SIDE_APPLY),
  'batch/v1/CronJob': ({ kube }, request) => kube.batch.patchNamespacedCronJob(request, SERVER_SIDE_APPLY),
  'batch/v1/Job': ({ kube }, request) => kube.batch.patchNamespacedJob(request, SERVER_SIDE_APPLY),
  'policy/v1/PodDisruptionBudget': ({ kube }, request) =>
    kube.policy.patchNamespacedPodDisruptionBudget(request, SERVER_SIDE_APPLY),
  'autoscaling/v2/HorizontalPodAutoscaler': ({ kube }, request) =>
    kube.autoscaling.patchNamespacedHorizontalPodAutoscaler(request, SERVER_SIDE_APPLY),
};

const APPLICABLE_KINDS = Object.keys(APPLIERS);

/**
 * Applies objects in order into the namespace with server-side apply. An unknown or misspelled
 * field is an error from the API server, not a silent drop; an object naming another namespace,
 * or of a kind the suite cannot confine to its namespace, is refused before anything is sent.
 */
export async function applyObjects(
  namespace: OwnedNamespace,
  objects: readonly KubeObject[],
  source = 'manifest',
): Promise<void> {
  const planned = objects.map((object) => {
    const applier = APPLIERS[`${object.apiVersion}/${object.kind}`];
    if (!applier) {
      throw new InvalidFixtureError(
        source,
        `${object.apiVersion} ${object.kind} ${object.metadata.name} is not a namespaced kind the suite applies (${APPLICABLE_KINDS.join(', ')})`,
      );
    }
    if (object.metadata.namespace && object.metadata.namespace !== namespace.name) {
      throw new InvalidFixtureError(
        source,
        `${object.kind} ${object.metadata.name} names namespace ${object.metadata.namespace}; fixtures must not name one`,
      );
    }
    return { object, applier };
  });
  const file = `${source.replace(/^.*\//, '').replace(/\.ya?ml$/, '')}.yaml`;
  kubectl(['apply', '-n', namespace.name, '-f', file], {
    [file]: objects.map((object) => `---\n${stringify(object)}`).join(''),
  });
  const request = (object: KubeObject, dryRun: boolean): ApplyRequest => ({
    name: object.metadata.name,
    namespace: namespace.name,
    body: { ...object, metadata: { ...object.metadata, namespace: namespace.name } },
    fieldManager: FIELD_MANAGER,
    fieldValidation: 'Strict',
    force: true,
    ...(dryRun ? { dryRun: 'All' as const } : {}),
  });
  // The API server judges every object before any is made (a server-side dry run), so a fixture
  // with an unknown field or an invalid value leaves nothing half-applied. Only verdicts on the
  // object itself count here (rejectsTheObject): admission that looks up objects applied just
  // before (a Pod's ServiceAccount) can only pass for real, so the rest is left to the real apply.
  for (const { object, applier } of planned) {
    await call(`validate ${object.kind} ${namespace.name}/${object.metadata.name}`, () =>
      applier(namespace, request(object, true)),
    ).catch((error: unknown) => {
      if (rejectsTheObject(error))
        throw new InvalidFixtureError(
          source,
          `the API server rejects ${object.kind} ${object.metadata.name}: ${(error as Error).message.replace(/^validate [^:]+ failed: /, '')}`,
        );
    });
  }
  for (const { object, applier } of planned) {
    await call(`apply ${object.kind} ${namespace.name}/${object.metadata.name}`, () =>
      applier(namespace, request(object, false)),
    );
  }
}

/**
 * The API server's verdict on an object itself: 400 (strict decoding), 422 (validation), or the
 * 500 server-side apply answers for a field the schema does not declare ("failed to create typed
 * patch object ... field not declared in schema", as v1.34 answers it).
 */
function rejectsTheObject(error: unknown): boolean {
  const code = statusCode(error);
  if (code === 400 || code === 422) return true;
  return (
    code === 500 && /failed to create typed patch object|not declared in schema/.test(String((error as Error).message))
  );
}
