import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { podRunningAndReady } from '../kube/conditions.js';
import { execInPod } from '../kube/exec.js';
import { createJobFromCronJob, jobFinished, jobOutcome, jobPods } from '../kube/jobs.js';
import { InvalidFixtureError } from '../kube/manifests.js';
import { listEvents, podLogs } from '../kube/verbs.js';
import { waitFor } from '../support/wait.js';
import { applyFixture, type WorkloadContext } from './context.js';
import { loadFixture } from './fixtures.js';
import { memberState, type MemberState } from './guide-observe.js';
import { applyGuideFixture } from './guide-workload.js';
import { MysqlMembers } from './mysql-guide.js';
import type { Transform } from './transforms.js';

/**
 * The comprehensive guide's backup CronJob (fixtures/guides/comprehensive-guide/database-backup.yaml)
 * and the suite's restore check. A scenario triggers a Job from the CronJob as `kubectl create job
 * --from=cronjob/database-backup` does, instead of waiting for 02:00.
 */
export class BackupCronJob {
  static readonly FIXTURE = 'guides/comprehensive-guide/database-backup.yaml';
  readonly name = 'database-backup';
  readonly container = 'backup';

  private constructor(readonly context: WorkloadContext) {}

  static async deploy(context: WorkloadContext, transforms: readonly Transform[]): Promise<BackupCronJob> {
    await applyGuideFixture(context, BackupCronJob.FIXTURE, transforms);
    return new BackupCronJob(context);
  }

  /**
   * `kubectl apply` of the CronJob as a reader would run it: either it is created, or the API
   * server refuses it as invalid (422), and what it said is the observation.
   */
  static async tryDeploy(
    context: WorkloadContext,
    transforms: readonly Transform[],
  ): Promise<{ cronJob: BackupCronJob } | { refused: string }> {
    try {
      return { cronJob: await BackupCronJob.deploy(context, transforms) };
    } catch (error) {
      // The apply's server-side dry run refuses an invalid object before anything is made
      // (InvalidFixtureError, naming the API server's answer); a 422 from the real apply is the same answer.
      const refusal =
        error instanceof InvalidFixtureError
          ? /the API server rejects [^:]+: (.*)$/s.exec(error.message)?.[1]
          : (error as { statusCode?: number }).statusCode === 422
            ? (error as Error).message.replace(/^.*? failed: /, '')
            : undefined;
      if (refusal === undefined) throw error;
      return { refused: refusal };
    }
  }

  /** `kubectl create job NAME --from=cronjob/database-backup`. */
  async trigger(jobName: string): Promise<V1Job> {
    return createJobFromCronJob(this.context.namespace, this.name, jobName);
  }

  /** Until the Job is Complete or Failed; returns its outcome and its pod's state and log. */
  async waitFinished(jobName: string): Promise<{ outcome: string; pod?: MemberState; log: string }> {
    const job = await jobFinished(this.context.namespace, jobName);
    return { outcome: jobOutcome(job) ?? 'unfinished', ...(await this.lastPod(jobName)) };
  }

  /**
   * Until the Job's pod exists and a Warning event says why it does not run (FailedScheduling for a
   * missing claim), or its container has started and ended: what an as-documented Job settles into.
   */
  async waitStuckOrDone(jobName: string, timeoutMs = 120_000): Promise<{ pod?: MemberState; log: string }> {
    await waitFor(
      `the pod of Job ${this.context.namespace.name}/${jobName} to run, finish, or be held by a Warning`,
      async () => {
        const { pod } = await this.lastPod(jobName);
        if (!pod) return { done: false, observed: 'no pod yet' };
        const settled =
          pod.warnings.length > 0 ||
          pod.containers.some((state) => state.state === 'terminated' || state.restartCount > 0);
        return settled ? { done: true, value: undefined } : { done: false, observed: `${pod.phase}` };
      },
      { timeoutMs, intervalMs: 1000 },
    );
    return this.lastPod(jobName);
  }

  private async lastPod(jobName: string): Promise<{ pod?: MemberState; log: string }> {
    const namespace = this.context.namespace;
    const pods = await jobPods(namespace, jobName);
    const newest = pods.sort((a, b) => created(b) - created(a))[0];
    if (!newest) return { log: '' };
    const name = newest.metadata?.name ?? '';
    const pod = memberState(name, newest, await listEvents(namespace));
    const log = await podLogs(namespace, name, this.container).catch(
      (error: Error) => `(no log: ${error.message.split('\n')[0]})`,
    );
    return { pod, log };
  }
}

const created = (pod: V1Pod) => new Date((pod.metadata?.creationTimestamp as unknown as string) ?? 0).getTime();

/**
 * A fresh MySQL server that loads the backups on the claim backup-pvc when it initialises
 * (fixtures/restore-check/mysql-from-backup.yaml): what a restore into a new database gives back.
 */
export class RestoreCheck {
  readonly pod = 'mysql-restore';

  private constructor(readonly context: WorkloadContext) {}

  static async deploy(context: WorkloadContext): Promise<RestoreCheck> {
    await applyFixture(context, await loadFixture('restore-check/mysql-from-backup.yaml', context.cluster));
    return new RestoreCheck(context);
  }

  async waitReady(): Promise<void> {
    await podRunningAndReady(this.context.namespace, this.pod, 300_000);
  }

  /** The files on the backup claim, as the restore server sees them. */
  async dumps(): Promise<string> {
    const result = await execInPod(this.context.namespace, this.pod, ['ls', '-l', '/docker-entrypoint-initdb.d'], {
      container: 'mysql',
    });
    return `${result.stdout}${result.stderr}`.trim();
  }

  /** The restored server as a database (its ledger rows, read as root). */
  database(): MysqlMembers {
    return new MysqlMembers({
      namespace: this.context.namespace,
      podName: () => this.pod,
      container: 'mysql',
      root: { user: 'root', password: { fromEnv: 'MYSQL_ROOT_PASSWORD' } },
    });
  }
}
