import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The e2e run's order: the longest scenario files first, so that with `concurrency` files at a
 * time the run does not end on one long file that started last (a clean CI checkout has no
 * vitest cache of durations to order by). Seconds per file as measured on a full run of this
 * 2-core machine (2026-11-22, concurrency 3, `npm run e2e` prints them); a file not listed counts
 * as one minute. Only the order changes: sharding (`--shard`) still splits by vitest's own rule.
 */
const MEASURED_SECONDS: Readonly<Record<string, number>> = {
  'suites/guides/mysql-replication.test.ts': 676,
  'suites/guides/myapp.test.ts': 546,
  'suites/guides/mongo.test.ts': 535,
  'suites/guides/mysql-cluster.test.ts': 412,
  'suites/behaviours/rollback.test.ts': 347,
  'suites/guides/mysql-complete.test.ts': 271,
  'suites/guides/postgres.test.ts': 239,
  'suites/behaviours/deleting.test.ts': 233,
  'suites/behaviours/halting-and-parallel.test.ts': 178,
  'suites/behaviours/min-ready-seconds.test.ts': 160,
  'suites/core/partition.test.ts': 143,
  'suites/core/storage-reattachment.test.ts': 134,
};
const UNLISTED_SECONDS = 60;

export function expectedSeconds(file: string): number {
  const relative = Object.keys(MEASURED_SECONDS).find((known) => file.endsWith(known));
  return relative ? (MEASURED_SECONDS[relative] ?? UNLISTED_SECONDS) : UNLISTED_SECONDS;
}

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort(
      (a, b) => expectedSeconds(b.moduleId) - expectedSeconds(a.moduleId) || a.moduleId.localeCompare(b.moduleId),
    );
  }
}
