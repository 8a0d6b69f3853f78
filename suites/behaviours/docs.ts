import { DOCS, STATEFULSET_DOCS } from '../core/docs.js';

const TUTORIAL = 'https://kubernetes.io/docs/tutorials/stateful-application/basic-stateful-set/';

/** Where the behaviours these scenarios prove are documented. */
export const BEHAVIOUR_DOCS = {
  ...DOCS,
  orderedReady: `${STATEFULSET_DOCS}#orderedready-pod-management`,
  parallel: `${STATEFULSET_DOCS}#parallel-pod-management`,
  onDelete: `${STATEFULSET_DOCS}#on-delete`,
  forcedRollback: `${STATEFULSET_DOCS}#forced-rollback`,
  rollback: `${TUTORIAL}#rolling-update`,
  minReadySeconds: `${STATEFULSET_DOCS}#minimum-ready-seconds`,
  startOrdinal: `${STATEFULSET_DOCS}#start-ordinal`,
  maxUnavailable: `${STATEFULSET_DOCS}#maximum-unavailable-pods`,
  replicas: `${STATEFULSET_DOCS}#replicas`,
  orphans: `${TUTORIAL}#non-cascading-delete`,
  limitations: `${STATEFULSET_DOCS}#limitations`,
  scale: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/stateful-set-v1/#StatefulSetSpec',
  forceDelete: 'https://kubernetes.io/docs/tasks/run-application/force-delete-stateful-set-pod/',
} as const;
