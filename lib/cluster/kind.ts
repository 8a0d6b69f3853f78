import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { ActionableError, InterruptedError } from '../support/errors.js';

/**
 * The kind CLI, wrapped: every failure carries the command and kind's own output.
 */
export class Kind {
  constructor(
    readonly binary: string,
    private readonly say: (line: string) => void = () => {},
  ) {
    if (binary.includes('/') && !existsSync(binary)) {
      throw new ActionableError(
        `kind binary ${binary} not found`,
        'run `npm run cluster:prepare` to build it, or put kind on PATH',
      );
    }
  }

  async clusters(): Promise<string[]> {
    const { stdout } = await this.kind(['get', 'clusters']);
    return stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('No kind clusters'));
  }

  async exists(name: string): Promise<boolean> {
    return (await this.clusters()).includes(name);
  }

  /**
   * Creates a cluster with one control-plane node and `workers` workers. On failure the nodes
   * are kept long enough to export their logs into `failureLogDir`, then deleted. When `signal`
   * aborts (Ctrl-C), kind is stopped and whatever it made so far is deleted at once.
   */
  async create(options: {
    name: string;
    image?: string;
    workers: number;
    featureGates?: Readonly<Record<string, boolean>>;
    kubeconfig: string;
    failureLogDir: string;
    signal?: AbortSignal;
  }): Promise<void> {
    await mkdir(options.failureLogDir, { recursive: true });
    const configFile = join(options.failureLogDir, `kind-config-${options.name}.yaml`);
    await writeFile(configFile, kindClusterConfig(options.workers, options.featureGates));
    const args = [
      'create',
      'cluster',
      '--name',
      options.name,
      '--config',
      configFile,
      '--kubeconfig',
      options.kubeconfig,
      '--wait',
      '3m',
      '--retain',
    ];
    if (options.image) args.push('--image', options.image);
    const result = await this.kind(args, { stream: true, reject: false, signal: options.signal });
    if (options.signal?.aborted) {
      // kind may have been stopped by the same Ctrl-C (it shares the terminal) or by the signal.
      await this.kind(['delete', 'cluster', '--name', options.name], { reject: false });
      throw new InterruptedError(`while kind created cluster ${options.name}; the partly created cluster was deleted`);
    }
    if (result.exitCode !== 0) {
      const logs = join(options.failureLogDir, `kind-create-${options.name}`);
      await this.kind(['export', 'logs', logs, '--name', options.name], { reject: false });
      await this.kind(['delete', 'cluster', '--name', options.name], { reject: false });
      throw new ActionableError(
        `kind could not create cluster ${options.name}: ${lastMeaningfulLine(result.all)}`,
        `read the node logs in ${logs}`,
      );
    }
  }

  async writeKubeconfig(name: string, path: string): Promise<void> {
    const { stdout } = await this.kind(['get', 'kubeconfig', '--name', name]);
    await writeFile(path, stdout, { mode: 0o600 });
  }

  async loadImageArchive(name: string, archive: string): Promise<void> {
    await this.kind(['load', 'image-archive', archive, '--name', name]);
  }

  /** The node containers of a cluster. */
  async nodes(name: string): Promise<string[]> {
    const { stdout } = await this.kind(['get', 'nodes', '--name', name]);
    return stdout
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
  }

  async exportLogs(name: string, dir: string): Promise<void> {
    await this.kind(['export', 'logs', dir, '--name', name]);
  }

  async delete(name: string): Promise<void> {
    await this.kind(['delete', 'cluster', '--name', name]);
  }

  private async kind(args: string[], options: { stream?: boolean; reject?: boolean; signal?: AbortSignal } = {}) {
    const subprocess = execa(this.binary, args, {
      all: true,
      reject: false,
      cancelSignal: options.signal,
      forceKillAfterDelay: 5000,
    });
    if (options.stream)
      subprocess.all?.on('data', (chunk: Buffer) =>
        chunk
          .toString()
          .split('\n')
          .filter(Boolean)
          .forEach((line) => this.say(`  kind: ${line}`)),
      );
    const result = await subprocess;
    if (result.exitCode !== 0 && options.reject !== false) {
      if ((result as { code?: string }).code === 'ENOENT') {
        throw new ActionableError(
          `kind not found (${this.binary})`,
          'run `npm run cluster:prepare` to build it, or put kind on PATH',
        );
      }
      throw new Error(`kind ${args.join(' ')} failed (exit ${result.exitCode}): ${lastMeaningfulLine(result.all)}`);
    }
    return result;
  }
}

/** kind's cluster configuration: one control-plane node and `workers` workers, and feature gates if any. */
export function kindClusterConfig(workers: number, featureGates: Readonly<Record<string, boolean>> = {}): string {
  const config = {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    ...(Object.keys(featureGates).length > 0 ? { featureGates: { ...featureGates } } : {}),
    nodes: [{ role: 'control-plane' }, ...Array.from({ length: workers }, () => ({ role: 'worker' }))],
  };
  return stringify(config, { indentSeq: false });
}

function lastMeaningfulLine(output: string | undefined): string {
  const lines = (output ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const error = lines.find((line) => /^ERROR:/.test(line));
  return error ?? lines[lines.length - 1] ?? 'no output';
}
