/**
 * npm run fault:input
 *
 * Bad input to `npm run e2e`, each case run for real: the run must end with exactly one
 * `error:` line naming the cause and the remedy, a nonzero exit code, and nothing made (no kind
 * cluster, no node container). None of these cases reaches a working cluster. The ones that need
 * a cluster (an invalid fixture, an image the nodes lack, the API server restarting) and a full
 * disk during `cluster:prepare` are in the README's fault table with their commands.
 * Writes out/fault-input/result.json.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { writeJson } from './bench-support.js';
import { runMain } from './cli.js';
import { kindNodeContainers } from './fault-support.js';

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly expect: RegExp;
  readonly exitCode: number;
}

runMain(async () => {
  const scratch = await mkdtemp(join(tmpdir(), 'fault-input-'));
  const cluster = `sts-input-${process.pid}`;
  const badKubeconfig = join(scratch, 'bad.kubeconfig');
  await writeFile(badKubeconfig, 'this: is: not: [yaml');
  const unreachable = join(scratch, 'unreachable.kubeconfig');
  await writeFile(
    unreachable,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: gone, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]',
      'users: [{name: u, user: {token: not-a-secret}}]',
      'contexts: [{name: gone, context: {cluster: gone, user: u}}]',
      'current-context: gone',
    ].join('\n'),
  );
  const readOnly = await readOnlyDir(join(scratch, 'read-only'));
  const out = join(scratch, 'out');
  const cases: Case[] = [
    {
      name: 'unknown scenario',
      args: ['no-such-scenario'],
      expect: /^error: unknown scenario no-such-scenario; known scenarios: .* \(npm run e2e -- --list\)$/,
      exitCode: 2,
    },
    {
      name: 'a flag with a bad value',
      args: ['--workers', 'two'],
      expect: /^error: --workers two is not a whole number; pass --workers 0, 1, 2\.\.\.$/,
      exitCode: 2,
    },
    {
      name: 'a kubeconfig that does not parse',
      args: ['--kubeconfig', badKubeconfig],
      expect: /^error: kubeconfig .*bad\.kubeconfig is not a valid kubeconfig \(.+\); pass a readable kubeconfig/,
      exitCode: 1,
    },
    {
      name: 'a kubeconfig that does not exist',
      args: ['--kubeconfig', join(scratch, 'missing.kubeconfig')],
      expect: /^error: kubeconfig .*missing\.kubeconfig not found; pass a readable kubeconfig/,
      exitCode: 1,
    },
    {
      name: 'an unreachable API server',
      args: ['--kubeconfig', unreachable],
      expect:
        /^error: the API server https:\/\/127\.0\.0\.1:1 of kubeconfig .* does not answer \(.*ECONNREFUSED.*\); check that the cluster runs/,
      exitCode: 1,
    },
    {
      name: 'a disruptive scenario on a given cluster',
      args: ['apiserver-restart', '--kubeconfig', unreachable],
      expect: /^error: apiserver-restart disrupts the whole cluster, .*; run them on a kind cluster of your own/,
      exitCode: 2,
    },
    ...(readOnly
      ? [
          {
            name: 'a read-only output directory',
            args: ['--out', readOnly, '--cluster-name', cluster],
            expect: /^error: the output directory .* is not writable \((EROFS|EACCES)\); pass --out with a directory/,
            exitCode: 1,
          },
        ]
      : []),
    {
      name: 'no Docker engine (stock kind mode)',
      args: ['--online', '--cluster-name', cluster],
      env: { DOCKER_HOST: `unix://${join(scratch, 'no-docker.sock')}` },
      expect: /^error: no Docker engine answers; start Docker, or run `npm run cluster:prepare`/,
      exitCode: 1,
    },
    {
      name: 'no kind',
      args: ['--online', '--cluster-name', cluster],
      env: { KIND: join(scratch, 'no-kind', 'kind') },
      expect:
        /^error: kind binary .*no-kind\/kind not found; run `npm run cluster:prepare` to build it, or put kind on PATH$/,
      exitCode: 1,
    },
  ];

  const results = [];
  try {
    for (const item of cases) {
      const started = Date.now();
      const result = await execa(
        process.execPath,
        [
          resolve('node_modules', 'tsx', 'dist', 'cli.mjs'),
          'scripts/e2e.ts',
          ...item.args,
          ...(item.args.includes('--out') ? [] : ['--out', out]),
        ],
        { reject: false, all: true, env: { ...item.env } },
      );
      const errors = (result.stderr ?? '').split('\n').filter((line) => line.startsWith('error:'));
      const made = await kindNodeContainers(cluster);
      const passed =
        result.exitCode === item.exitCode &&
        errors.length === 1 &&
        item.expect.test(errors[0] ?? '') &&
        made.length === 0;
      results.push({
        case: item.name,
        exitCode: result.exitCode,
        seconds: (Date.now() - started) / 1000,
        line: errors.join(' | ') || '(no error line)',
        made,
        passed,
      });
      console.log(
        `${passed ? 'PASS' : 'FAIL'} ${item.name}: exit ${result.exitCode}; ${errors.join(' | ') || result.all?.slice(-400)}`,
      );
    }
    if (!readOnly)
      console.log('SKIP a read-only output directory: cannot make one here (no tmpfs mount, and root writes anywhere)');
  } finally {
    if (readOnly) await execa('umount', [readOnly], { reject: false });
    await rm(scratch, { recursive: true, force: true });
  }
  await writeJson(resolve('out', 'fault-input', 'result.json'), results);
  return results.every((result) => result.passed) ? 0 : 1;
});

/** A directory this process cannot write to: a read-only tmpfs for root, a mode 555 directory for anyone else. */
async function readOnlyDir(path: string): Promise<string | undefined> {
  await mkdir(path, { recursive: true });
  if (process.getuid?.() !== 0) {
    await execa('chmod', ['555', path]);
    return path;
  }
  const mounted = await execa('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', path], { reject: false });
  return mounted.exitCode === 0 ? path : undefined;
}
