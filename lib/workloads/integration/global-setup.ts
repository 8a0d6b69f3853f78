import { execa } from 'execa';
import type { TestProject } from 'vitest/node';
import { ActionableError } from '../../support/errors.js';
import { networkPrefix, PID_LABEL, RUN_LABEL } from './containers.js';

/**
 * The integration project's setup: the host's Docker answers, leftovers of killed runs are
 * removed, and at the end whatever this run started is removed too, failed tests included. (Each
 * image is checked where it is first used: containers.ts.)
 */
export default async function setup(project: TestProject) {
  // Ryuk, testcontainers' reaper, is an image from a registry: this machine cannot pull it.
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  const docker = await execa('docker', ['version', '--format', '{{.Server.Version}}'], { reject: false });
  if (docker.exitCode !== 0)
    throw new ActionableError(
      `no Docker engine answers (${docker.stderr.split('\n')[0] ?? ''})`,
      'start Docker, or run `npm run cluster:prepare`, which installs and starts it',
    );
  await removeLeftoversOfDeadRuns();
  const id = `${process.pid}-${Date.now().toString(36)}`;
  project.provide('integrationRun', { id, labels: { [RUN_LABEL]: id, [PID_LABEL]: String(process.pid) } });

  return async () => {
    await removeRun(id);
  };
}

async function removeRun(id: string): Promise<void> {
  const containers = await lines('docker', ['ps', '-aq', '--filter', `label=${RUN_LABEL}=${id}`]);
  if (containers.length > 0) await execa('docker', ['rm', '-f', '-v', ...containers], { reject: false });
  const networks = await lines('docker', ['network', 'ls', '-q', '--filter', `name=${networkPrefix(id)}`]);
  if (networks.length > 0) await execa('docker', ['network', 'rm', ...networks], { reject: false });
  const volumes = await lines('docker', ['volume', 'ls', '-q', '--filter', `label=${RUN_LABEL}=${id}`]);
  if (volumes.length > 0) await execa('docker', ['volume', 'rm', '-f', ...volumes], { reject: false });
}

/** Runs killed before their teardown (SIGKILL) left containers labelled with a pid that is gone. */
async function removeLeftoversOfDeadRuns(): Promise<void> {
  const labelled = await lines('docker', [
    'ps',
    '-a',
    '--filter',
    `label=${PID_LABEL}`,
    '--format',
    `{{.Label "${PID_LABEL}"}} {{.Label "${RUN_LABEL}"}}`,
  ]);
  const deadRuns = new Set(
    labelled
      .map((line) => line.split(' ') as [string, string])
      .filter(([pid]) => !isAlive(Number(pid)))
      .map(([, run]) => run),
  );
  for (const run of deadRuns) await removeRun(run);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function lines(command: string, args: string[]): Promise<string[]> {
  const result = await execa(command, args, { reject: false });
  return result.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}
