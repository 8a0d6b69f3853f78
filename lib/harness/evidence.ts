import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as allure from 'allure-js-commons';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { Kind } from '../cluster/kind.js';
import type { ClusterHandle } from '../kube/cluster-handle.js';
import type { KubeObject } from '../kube/manifests.js';
import { slug, type OwnedNamespace } from '../kube/namespace.js';
import type { Redactor } from '../kube/redact.js';
import { listEvents, listPods, podLogs } from '../kube/verbs.js';
import { renderTimelineSvg, type StepMark } from '../observe/picture.js';
import type { Recording } from '../observe/records.js';
import { buildTimeline } from '../observe/timeline.js';
import type { AdaptedFixture } from '../workloads/fixtures.js';

export interface NamespaceEvidence {
  readonly namespace: OwnedNamespace;
  readonly recording: Recording;
  readonly marks: readonly StepMark[];
  readonly fixtures: readonly AdaptedFixture[];
  readonly objects: readonly KubeObject[];
  readonly recorderNotes: readonly string[];
}

export interface EvidenceRequest {
  readonly testName: string;
  readonly failed: boolean;
  readonly namespaces: readonly NamespaceEvidence[];
  readonly redactor: Redactor;
  readonly cluster: ClusterHandle;
  readonly outDir: string;
}

/**
 * What every scenario leaves behind, in the report and under out/timelines/<test>/: per recorded
 * StatefulSet the timeline as JSON and as a picture, the applied manifests with secrets
 * redacted; and when the scenario failed, the pods' logs, the namespace's events, the last
 * recorded state of every object, and `kind export logs` of the cluster. Collecting evidence
 * never fails the scenario: a piece that cannot be collected says so in its place.
 */
export async function collectEvidence(request: EvidenceRequest): Promise<void> {
  const dir = join(request.outDir, 'timelines', slug(request.testName, 80));
  await mkdir(dir, { recursive: true });
  const scrub = (text: string) => request.redactor.scrub(text);

  for (const entry of request.namespaces) {
    const ns = entry.namespace.name;
    await attempt(`timeline of ${ns}`, async () => {
      const sets = [
        ...new Set(
          entry.recording.records
            .filter((record) => record.resource === 'statefulsets')
            .map((record) => record.object.metadata?.name ?? ''),
        ),
      ].filter(Boolean);
      for (const set of sets) {
        const timeline = buildTimeline(entry.recording, set);
        const json = scrub(JSON.stringify({ ...timeline, steps: entry.marks }, null, 2));
        const svg = renderTimelineSvg(timeline, entry.marks);
        await writeFile(join(dir, `${ns}--${set}.timeline.json`), json);
        await writeFile(join(dir, `${ns}--${set}.timeline.svg`), svg);
        await allure.attachment(`timeline ${ns}/${set} (picture)`, svg, 'image/svg+xml');
        await allure.attachment(`timeline ${ns}/${set}`, json, 'application/json');
      }
      await writeFile(join(dir, `${ns}.recording.json`), scrub(JSON.stringify(entry.recording)));
    });
    for (const fixture of entry.fixtures) {
      await attempt(`manifest ${fixture.source}`, async () => {
        const yaml = [
          `# ${fixture.source}`,
          `# transforms: ${fixture.transforms.join('; ') || 'none'}`,
          ...request.redactor.redactObjects(fixture.objects).map((object) => `---\n${stringify(object)}`),
        ].join('\n');
        await allure.attachment(`manifest ${fixture.source} in ${ns}`, yaml, 'application/yaml');
      });
    }
    if (entry.recorderNotes.length > 0)
      await allure.attachment(`recorder notes ${ns}`, entry.recorderNotes.join('\n'), 'text/plain');
  }

  if (!request.failed) return;
  for (const entry of request.namespaces) {
    const ns = entry.namespace.name;
    await attempt(`events of ${ns}`, async () => {
      const events = await listEvents(entry.namespace);
      const when = (event: (typeof events)[number]) =>
        new Date(event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp ?? 0);
      const lines = events
        .sort((a, b) => when(a).getTime() - when(b).getTime())
        .map(
          (event) =>
            `${when(event).toISOString()} ${event.type} ${event.reason} ${event.involvedObject.kind}/${event.involvedObject.name} x${event.count ?? 1}: ${event.message ?? ''}`,
        );
      await allure.attachment(`events of ${ns}`, scrub(lines.join('\n') || '(none)'), 'text/plain');
    });
    await attempt(`pod logs of ${ns}`, async () => {
      for (const pod of await listPods(entry.namespace)) {
        for (const container of pod.spec?.containers ?? []) {
          const name = `${pod.metadata?.name}/${container.name}`;
          const current = await podLogs(entry.namespace, pod.metadata?.name ?? '', container.name).catch(
            (error: Error) => `(cannot read: ${error.message})`,
          );
          await allure.attachment(`logs ${ns}/${name}`, scrub(current || '(empty)'), 'text/plain');
          const restarts =
            pod.status?.containerStatuses?.find((status) => status.name === container.name)?.restartCount ?? 0;
          if (restarts > 0) {
            const previous = await podLogs(entry.namespace, pod.metadata?.name ?? '', container.name, {
              previous: true,
            }).catch((error: Error) => `(cannot read: ${error.message})`);
            await allure.attachment(`logs ${ns}/${name} (previous)`, scrub(previous), 'text/plain');
          }
        }
      }
    });
    await attempt(`last states in ${ns}`, async () => {
      const last = new Map<string, unknown>();
      for (const record of entry.recording.records)
        last.set(`${record.resource}/${record.object.metadata?.name}`, { type: record.type, ...record.object });
      await allure.attachment(
        `last recorded state of every object in ${ns}`,
        scrub(stringify(Object.fromEntries(last))),
        'application/yaml',
      );
    });
  }
  if (request.cluster.provider === 'kind' && request.cluster.kindBinary) {
    await attempt('kind export logs', async () => {
      const logs = join(request.outDir, 'kind-logs', slug(request.testName, 80));
      await new Kind(request.cluster.kindBinary as string).exportLogs(request.cluster.name, logs);
      // Container logs on the nodes are the workloads' own output: scrubbed like the pod logs above.
      await scrubFiles(logs, scrub, request.redactor.empty);
      const archive = `${logs}.tar.gz`;
      await execa('tar', ['-czf', archive, '-C', logs, '.']);
      await allure.attachmentPath('kind export logs', archive, 'application/gzip');
    });
  }
}

/** Rewrites every text file under `dir` with `scrub` applied (nothing to do when nothing is secret). */
async function scrubFiles(dir: string, scrub: (text: string) => string, nothingSecret: boolean): Promise<void> {
  if (nothingSecret) return;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const content = await readFile(path);
    if (content.includes(0)) continue;
    const text = content.toString('utf8');
    const scrubbed = scrub(text);
    if (scrubbed !== text) await writeFile(path, scrubbed);
  }
}

async function attempt(what: string, collect: () => Promise<void>): Promise<void> {
  try {
    await collect();
  } catch (error) {
    await allure
      .attachment(`${what}: not collected`, error instanceof Error ? error.message : String(error), 'text/plain')
      .then(
        () => undefined,
        () => undefined,
      );
  }
}
