import type { V1CronJob, V1Job, V1Pod } from '@kubernetes/client-node';
import { waitFor } from '../support/wait.js';
import { call } from './client.js';
import type { OwnedNamespace } from './namespace.js';
import { listPods } from './verbs.js';

/**
 * CronJobs and their Jobs, for the guides' backup job. A scenario never waits for a schedule:
 * it makes a Job from the CronJob's template the way `kubectl create job --from=cronjob/NAME`
 * does, which is what the CronJob controller would run at its next tick.
 */

const JOB_DEADLINE_MS = 300_000;

export function getCronJob(namespace: OwnedNamespace, name: string): Promise<V1CronJob> {
  return call(`read CronJob ${namespace.name}/${name}`, () =>
    namespace.kube.batch.readNamespacedCronJob({ name, namespace: namespace.name }),
  );
}

export function getJob(namespace: OwnedNamespace, name: string): Promise<V1Job> {
  return call(`read Job ${namespace.name}/${name}`, () =>
    namespace.kube.batch.readNamespacedJob({ name, namespace: namespace.name }),
  );
}

/**
 * The Job `kubectl create job NAME --from=cronjob/CRONJOB` makes: the CronJob's jobTemplate
 * (its labels and annotations too), the annotation cronjob.kubernetes.io/instantiate=manual, and
 * the CronJob as controlling owner, so deleting the CronJob takes the Job with it.
 */
export function jobFromCronJob(cronJob: V1CronJob, jobName: string): V1Job {
  const template = cronJob.spec?.jobTemplate;
  if (!template?.spec) throw new Error(`CronJob ${cronJob.metadata?.name} has no jobTemplate.spec`);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName,
      labels: { ...(template.metadata?.labels ?? {}) },
      annotations: { ...(template.metadata?.annotations ?? {}), 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          name: cronJob.metadata?.name ?? '',
          uid: cronJob.metadata?.uid ?? '',
          controller: true,
        },
      ],
    },
    spec: structuredClone(template.spec),
  };
}

export async function createJobFromCronJob(
  namespace: OwnedNamespace,
  cronJobName: string,
  jobName: string,
): Promise<V1Job> {
  const job = jobFromCronJob(await getCronJob(namespace, cronJobName), jobName);
  return call(
    `create Job ${namespace.name}/${jobName} from CronJob ${cronJobName}`,
    () => namespace.kube.batch.createNamespacedJob({ namespace: namespace.name, body: job }),
    // A create retried after a lost answer would find its own Job and fail with 409.
    { retry: false },
  );
}

export type JobOutcome = 'Complete' | 'Failed';

/** The Job's terminal condition, if it has one. */
export function jobOutcome(job: V1Job): JobOutcome | undefined {
  const done = job.status?.conditions?.find(
    (condition) => (condition.type === 'Complete' || condition.type === 'Failed') && condition.status === 'True',
  );
  return done?.type as JobOutcome | undefined;
}

/** The pods a Job made (the controller labels them batch.kubernetes.io/job-name). */
export function jobPods(namespace: OwnedNamespace, jobName: string): Promise<V1Pod[]> {
  return listPods(namespace, `batch.kubernetes.io/job-name=${jobName}`);
}

/** Until the Job is Complete or Failed; returns it either way (what it did is the caller's to judge). */
export function jobFinished(namespace: OwnedNamespace, name: string, timeoutMs = JOB_DEADLINE_MS): Promise<V1Job> {
  return waitFor(
    `Job ${namespace.name}/${name} to be Complete or Failed`,
    async () => {
      const job = await getJob(namespace, name);
      if (jobOutcome(job)) return { done: true, value: job };
      const s = job.status;
      return {
        done: false,
        observed: `active ${s?.active ?? 0}, succeeded ${s?.succeeded ?? 0}, failed ${s?.failed ?? 0}`,
      };
    },
    { timeoutMs, intervalMs: 1000 },
  );
}
