import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseManifests, type KubeObject } from '../kube/manifests.js';
import { applyFixture, type WorkloadContext } from './context.js';
import { podSpecs, type Container, type PodSpec, type Transform } from './transforms.js';

/**
 * Corrections kept as YAML beside the guide's fixture (fixtures/guides/<guide>/corrections/), so a
 * reader sees what the made-to-work run changed as manifests, not code: `objects` to add (a
 * Secret, a Service, a claim the guide never defines) and a `podSpec` fragment merged into the
 * workload's pod template (a probe, an init container, a sidecar). The file's header says why.
 * Also the guide's own fragments (a "Health Monitoring" block of probes), which are not objects.
 */

const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url));

export interface CorrectionFile {
  readonly source: string;
  readonly objects: KubeObject[];
  readonly podSpec?: PodSpec;
}

export async function loadCorrection(path: string): Promise<CorrectionFile> {
  const source = `fixtures/${path}`;
  const data = parse(await readFile(`${FIXTURES_DIR}${path}`, 'utf8')) as { objects?: unknown[]; podSpec?: PodSpec };
  const objects = data.objects?.length
    ? parseManifests(data.objects.map((object) => JSON.stringify(object)).join('\n---\n'), source)
    : [];
  if (objects.length === 0 && !data.podSpec) throw new Error(`${source} has neither objects nor a podSpec`);
  return { source, objects, podSpec: data.podSpec };
}

/** A fixture that is a fragment of some spec, as plain data. */
export async function loadFragment(path: string): Promise<unknown> {
  return parse(await readFile(`${FIXTURES_DIR}${path}`, 'utf8')) as unknown;
}

/**
 * A pod spec fragment merged into the pod template of every workload of the manifest (a
 * StatefulSet, a CronJob's job template): containers and init containers by name, the
 * fragment's fields replacing the container's except env and volumeMounts, which merge by name;
 * containers it does not name are added (init containers after the existing ones, so the guide's
 * run first); volumes by name; other pod fields (restartPolicy) set. That is what a strategic
 * merge patch does with these.
 */
export function mergePodSpec(fragment: PodSpec, name: string): Transform {
  return {
    name,
    apply: (objects) => {
      const specs = podSpecs(objects);
      if (specs.length === 0) throw new Error(`"${name}" needs a pod template, and the manifest has none`);
      const { containers, initContainers, volumes, ...podFields } = fragment;
      for (const spec of specs) {
        // Pod-level fields (restartPolicy, securityContext) are set as the fragment gives them.
        Object.assign(spec, structuredClone(podFields));
        mergeContainers((spec.containers ??= []), fragment.containers ?? []);
        if (fragment.initContainers?.length) mergeContainers((spec.initContainers ??= []), fragment.initContainers);
        if (fragment.volumes?.length) spec.volumes = mergeByName(spec.volumes ?? [], structuredClone(fragment.volumes));
      }
      return [...objects];
    },
  };
}

function mergeContainers(target: Container[], additions: readonly Container[]): void {
  for (const addition of additions) {
    const existing = target.find((container) => container.name === addition.name);
    if (!existing) {
      target.push(structuredClone(addition));
      continue;
    }
    const { env, volumeMounts, ...fields } = structuredClone(addition);
    Object.assign(existing, fields);
    if (env) existing.env = mergeByName(existing.env ?? [], env);
    if (volumeMounts) existing.volumeMounts = mergeByName(existing.volumeMounts ?? [], volumeMounts);
  }
}

function mergeByName<T extends { name: string }>(current: readonly T[], additions: readonly T[]): T[] {
  const merged = [...current];
  for (const addition of additions) {
    const index = merged.findIndex((item) => item.name === addition.name);
    if (index >= 0) merged[index] = addition;
    else merged.push(addition);
  }
  return merged;
}

/** A correction file as transforms: its objects added first (a Secret before the pods that read it), then its fragment. */
export function correctionTransforms(correction: CorrectionFile, why: string): Transform[] {
  const transforms: Transform[] = [];
  if (correction.objects.length > 0) {
    const added = correction.objects;
    const what = added.map((object) => `${object.kind} ${object.metadata.name}`).join(', ');
    transforms.push({
      name: `correction: add ${what} from ${correction.source} (${why})`,
      apply: (objects) => {
        for (const object of added)
          if (objects.some((other) => other.kind === object.kind && other.metadata.name === object.metadata.name))
            throw new Error(`${object.kind} ${object.metadata.name} is already in the manifest`);
        return [...structuredClone([...added]), ...objects];
      },
    });
  }
  if (correction.podSpec) {
    const containers = [...(correction.podSpec.initContainers ?? []), ...(correction.podSpec.containers ?? [])]
      .map((container) => container.name)
      .join(', ');
    transforms.push(
      mergePodSpec(correction.podSpec, `correction: pod template ${containers} from ${correction.source} (${why})`),
    );
  }
  return transforms;
}

/**
 * The guide's own fragment of a StatefulSet spec (`spec: template: spec: containers: ...`), put
 * into the manifest as `kubectl patch` would: what the guide says to add, not a correction.
 */
export function guideFragment(fragment: unknown, what: string): Transform {
  const podSpec = (fragment as { spec?: { template?: { spec?: PodSpec } } } | undefined)?.spec?.template?.spec;
  if (!podSpec?.containers?.length)
    throw new Error(`the guide's fragment (${what}) has no spec.template.spec.containers`);
  return mergePodSpec(podSpec, `as the guide adds it: ${what}`);
}

/** One value of a ConfigMap's data with a literal text replaced: a configuration line the server refuses. */
export function editConfigMap(name: string, key: string, from: string, to: string, why: string): Transform {
  return {
    name: `correction: ConfigMap ${name} ${key}: "${from}" -> "${to}" (${why})`,
    apply: (objects) => {
      const map = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === name) as
        (KubeObject & { data?: Record<string, string> }) | undefined;
      const value = map?.data?.[key];
      if (map?.data === undefined || value === undefined)
        throw new Error(`transform needs ConfigMap ${name} with data.${key}`);
      if (!value.includes(from)) throw new Error(`ConfigMap ${name} data.${key} has no "${from}"`);
      map.data[key] = value.split(from).join(to);
      return [...objects];
    },
  };
}

/** Applies a correction's objects on their own into a running example (the pieces it lacked, added after the fact). */
export async function applyCorrectionObjects(
  context: WorkloadContext,
  correction: CorrectionFile,
  why: string,
): Promise<void> {
  if (correction.objects.length === 0) throw new Error(`${correction.source} has no objects to apply`);
  await applyFixture(context, {
    source: correction.source,
    objects: structuredClone(correction.objects),
    transforms: [`correction: added to the running example (${why})`],
  });
}
