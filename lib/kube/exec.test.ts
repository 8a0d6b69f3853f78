import { describe, expect, it } from 'vitest';
import { exitCodeOf } from './exec.js';

describe('exitCodeOf', () => {
  it('reads the exit code the API server reports on the status channel', () => {
    expect(exitCodeOf({ status: 'Success' })).toBe(0);
    expect(
      exitCodeOf({
        status: 'Failure',
        reason: 'NonZeroExitCode',
        message: 'command terminated with non-zero exit code: error executing command [cat /x], exit code 1',
        details: { causes: [{ reason: 'ExitCode', message: '1' }] },
      }),
    ).toBe(1);
  });

  it('does not invent an exit code for other failures', () => {
    expect(
      exitCodeOf({ status: 'Failure', reason: 'InternalError', message: 'executable file not found' }),
    ).toBeUndefined();
    expect(exitCodeOf({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [] } })).toBeUndefined();
  });
});
