import { describe, expect, it } from 'vitest';
import type { RunResults, TestResult } from '../results/schema.js';
import { joinParts } from './results-reporter.js';

const part = (ids: string[], load: [number, number], finishedAt: string) =>
  ({
    runIds: ['run-1'],
    startedAt: '2026-11-22T10:00:00.000Z',
    finishedAt,
    host: { cpus: 2, loadAverage: load },
    tests: ids.map((id) => ({ id }) as unknown as TestResult),
  }) as unknown as RunResults;

describe('joinParts', () => {
  it('keeps the tests of the first vitest process of a run and adds the disruptive ones after it', () => {
    const joined = joinParts(
      part(['a', 'b'], [1, 2], '2026-11-22T10:10:00.000Z'),
      part(['c'], [3, 4], '2026-11-22T10:20:00.000Z'),
    );
    expect(joined.tests.map((test) => test.id)).toEqual(['a', 'b', 'c']);
    expect(joined.startedAt).toBe('2026-11-22T10:00:00.000Z');
    expect(joined.finishedAt).toBe('2026-11-22T10:20:00.000Z');
    expect(joined.host?.loadAverage).toEqual([1, 4]);
  });
});
