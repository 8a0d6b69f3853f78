import { describe, expect, it } from 'vitest';
import { jobFromCronJob, jobOutcome } from './jobs.js';

describe('a Job from a CronJob, as kubectl create job --from=cronjob does it', () => {
  const cronJob = {
    metadata: { name: 'database-backup', uid: 'cj-uid' },
    spec: {
      schedule: '0 2 * * *',
      jobTemplate: {
        metadata: { labels: { app: 'backup' } },
        spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'backup', image: 'b' }] } } },
      },
    },
  };

  it('copies the job template, marks it manual and makes the CronJob its controlling owner', () => {
    const job = jobFromCronJob(cronJob, 'backup-now');
    expect(job.metadata).toEqual({
      name: 'backup-now',
      labels: { app: 'backup' },
      annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [
        { apiVersion: 'batch/v1', kind: 'CronJob', name: 'database-backup', uid: 'cj-uid', controller: true },
      ],
    });
    expect(job.spec).toEqual(cronJob.spec.jobTemplate.spec);
    expect(job.spec).not.toBe(cronJob.spec.jobTemplate.spec);
    expect(() => jobFromCronJob({ metadata: { name: 'x' }, spec: { schedule: '', jobTemplate: {} } }, 'y')).toThrow(
      /no jobTemplate.spec/,
    );
  });

  it('a Job is finished by its Complete or Failed condition, not by its counters', () => {
    expect(jobOutcome({ status: { succeeded: 1 } })).toBeUndefined();
    expect(jobOutcome({ status: { conditions: [{ type: 'Complete', status: 'True' }] } })).toBe('Complete');
    expect(jobOutcome({ status: { conditions: [{ type: 'Failed', status: 'True' }] } })).toBe('Failed');
  });
});
