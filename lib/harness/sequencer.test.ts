import { describe, expect, it } from 'vitest';
import { expectedSeconds } from './sequencer.js';

describe('the e2e order', () => {
  it('puts the long guide scenarios before the short core ones, and counts an unknown file as a minute', () => {
    expect(expectedSeconds('/repo/suites/guides/mysql-replication.test.ts')).toBeGreaterThan(
      expectedSeconds('/repo/suites/core/ordered-creation.test.ts'),
    );
    expect(expectedSeconds('/repo/suites/core/ordered-creation.test.ts')).toBe(60);
  });
});
