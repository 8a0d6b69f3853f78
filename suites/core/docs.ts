/** Where the behaviours the core scenarios prove are documented. */
export const STATEFULSET_DOCS = 'https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/';
export const DOCS = {
  guarantees: `${STATEFULSET_DOCS}#deployment-and-scaling-guarantees`,
  identity: `${STATEFULSET_DOCS}#stable-network-id`,
  storage: `${STATEFULSET_DOCS}#stable-storage`,
  claimRetention: `${STATEFULSET_DOCS}#persistentvolumeclaim-retention`,
  partitions: `${STATEFULSET_DOCS}#partitions`,
  rollingUpdates: `${STATEFULSET_DOCS}#rolling-updates`,
  status: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/stateful-set-v1/#StatefulSetStatus',
} as const;
