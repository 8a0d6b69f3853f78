import { randomBytes } from 'node:crypto';
import type { V1Namespace } from '@kubernetes/client-node';
import { waitFor } from '../support/wait.js';
import { call, isNotFound, type Kube } from './client.js';

/**
 * Namespaces are how the suite stays out of everything it did not make: each scenario gets
 * one, labelled as the suite's and with the run that created it, and every namespaced verb in
 * lib/kube takes an OwnedNamespace rather than a name.
 */
const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
const MANAGED_BY_VALUE = 'sts-conformance';
const RUN_LABEL = 'sts-conformance.io/run';
const SCENARIO_LABEL = 'sts-conformance.io/scenario';

export interface OwnedNamespace {
  readonly kube: Kube;
  readonly name: string;
  readonly runId: string;
}

/** "Ordered creation (negative control)" -> "ordered-creation-negative-control", at most `max` characters. */
export function slug(text: string, max = 40): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, max)
      .replace(/-+$/g, '') || 'scenario'
  );
}

export function newRunId(): string {
  return `${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}-${randomBytes(3).toString('hex')}`;
}

export async function createNamespace(
  kube: Kube,
  options: { scenario: string; runId: string },
): Promise<OwnedNamespace> {
  const name = `sts-${slug(options.scenario, 48)}-${randomBytes(3).toString('hex')}`;
  await call(
    `create Namespace ${name}`,
    () =>
      kube.core.createNamespace({
        body: {
          metadata: {
            name,
            labels: {
              [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
              [RUN_LABEL]: options.runId,
              [SCENARIO_LABEL]: slug(options.scenario, 63),
            },
          },
        },
      }),
    // A create retried after a lost answer could find its own namespace and fail with 409.
    { retry: false },
  );
  return { kube, name, runId: options.runId };
}

/** Deletes the namespace and, unless `wait` is false, waits until the API server no longer has it. */
export async function deleteNamespace(
  namespace: OwnedNamespace,
  options: { wait?: boolean; timeoutMs?: number } = {},
): Promise<void> {
  const { kube, name } = namespace;
  await assertOwned(kube, name, namespace.runId);
  try {
    // Deleting again after a lost answer finds it gone or terminating: NotFound is the same outcome.
    await call(`delete Namespace ${name}`, () => kube.core.deleteNamespace({ name, propagationPolicy: 'Background' }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  if (options.wait === false) return;
  await waitFor(
    `Namespace ${name} to be gone`,
    async () => {
      try {
        const current = await call(`read Namespace ${name}`, () => kube.core.readNamespace({ name }));
        return { done: false, observed: `phase ${current.status?.phase}` };
      } catch (error) {
        if (isNotFound(error)) return { done: true, value: undefined };
        throw error;
      }
    },
    { timeoutMs: options.timeoutMs ?? 180_000, intervalMs: 1000 },
  );
}

/** Namespaces a run created that still exist; what an interrupted run leaves behind. */
async function namespacesOfRun(kube: Kube, runId: string): Promise<string[]> {
  const list = await call('list Namespaces of this run', () =>
    kube.core.listNamespace({ labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${RUN_LABEL}=${runId}` }),
  );
  // A namespace already being deleted (a scenario's teardown asked) is not left behind.
  return list.items
    .filter((item) => item.status?.phase !== 'Terminating')
    .map((item) => item.metadata?.name ?? '')
    .filter(Boolean);
}

/** Deletes every namespace a run created and, if asked, waits until they are gone; returns their names. */
export async function deleteNamespacesOfRun(kube: Kube, runId: string, options: { wait: boolean }): Promise<string[]> {
  const names = await namespacesOfRun(kube, runId);
  await Promise.all(names.map((name) => deleteNamespace({ kube, name, runId }, { wait: options.wait })));
  return names;
}

/** Refuses to touch a namespace that does not carry this run's labels. */
async function assertOwned(kube: Kube, name: string, runId: string): Promise<void> {
  let current: V1Namespace;
  try {
    current = await call(`read Namespace ${name}`, () => kube.core.readNamespace({ name }));
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  const labels = current.metadata?.labels ?? {};
  if (labels[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE || labels[RUN_LABEL] !== runId) {
    throw new Error(`refusing to delete Namespace ${name}: it was not created by run ${runId} of this suite`);
  }
}

/** What a run left on the cluster: its namespaces that still exist and the volumes of their claims. */
export interface Leftovers {
  readonly namespaces: readonly string[];
  readonly volumes: readonly string[];
}

/**
 * Waits until none of the run's namespaces exists and no PersistentVolume is bound to a claim of
 * theirs (the provisioner deletes a volume after its claim; upstream's e2e waits for this too).
 * Returns what is still there at the deadline: empty means the run left nothing behind.
 */
export async function waitUntilRunLeftNothing(
  kube: Kube,
  namespaces: readonly string[],
  timeoutMs = 300_000,
): Promise<Leftovers> {
  const ours = new Set(namespaces);
  const look = async (): Promise<Leftovers> => {
    const existing = await call('list Namespaces', () => kube.core.listNamespace());
    const volumes = await call('list PersistentVolumes', () => kube.core.listPersistentVolume());
    return {
      namespaces: existing.items.map((item) => item.metadata?.name ?? '').filter((name) => ours.has(name)),
      volumes: volumes.items
        .filter((volume) => ours.has(volume.spec?.claimRef?.namespace ?? ''))
        .map(
          (volume) =>
            `${volume.metadata?.name} (claim ${volume.spec?.claimRef?.namespace}/${volume.spec?.claimRef?.name}, ${volume.status?.phase})`,
        ),
    };
  };
  let last: Leftovers = { namespaces: [...ours], volumes: [] };
  try {
    await waitFor(
      `the run's ${ours.size} namespace(s) and their claims' volumes to be gone`,
      async () => {
        last = await look();
        const left = last.namespaces.length + last.volumes.length;
        return left === 0
          ? { done: true, value: undefined }
          : { done: false, observed: [...last.namespaces, ...last.volumes].join(', ') };
      },
      { timeoutMs, intervalMs: 2000 },
    );
    return { namespaces: [], volumes: [] };
  } catch {
    return last;
  }
}
