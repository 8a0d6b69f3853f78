import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withoutSecrets, withVariables, writeReproBundle } from './bundle.js';

const manifest = [
  '---',
  'apiVersion: v1',
  'kind: Secret',
  'metadata: { name: mysql-secret }',
  'stringData: { root-password: hunter2-from-the-guide }',
  '---',
  'apiVersion: v1',
  'kind: Service',
  'metadata: { name: mysql }',
  'spec: { clusterIP: None }',
].join('\n');

describe('the reproduction bundle', () => {
  it('takes Secrets out of the manifests, keeping their names and keys', () => {
    const { manifest: kept, secrets } = withoutSecrets(manifest);
    expect(secrets).toEqual([{ name: 'mysql-secret', keys: ['root-password'] }]);
    expect(kept).toContain('kind: Service');
    expect(kept).not.toContain('hunter2');
  });

  it('names namespaces by variable, quoted so the shell expands them', () => {
    const variables = new Map([['sts-abc-1', 'NS']]);
    expect(withVariables('sts-abc-1', variables)).toBe('"${NS}"');
    expect(withVariables('mysql-0.mysql.sts-abc-1.svc', variables)).toBe('"mysql-0.mysql.${NS}.svc"');
    expect(withVariables("it's", variables)).toBe(`'it'\\''s'`);
  });

  it('writes repro.sh in the order of the transcript, creating Secrets with fresh values', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bundle-'));
    await writeReproBundle(dir, {
      test: 't',
      namespaces: ['sts-abc-1'],
      entries: [
        { comment: 'step: apply mysql' },
        { argv: ['apply', '-n', 'sts-abc-1', '-f', 'mysql.yaml'], files: { 'mysql.yaml': manifest } },
        { argv: ['scale', '-n', 'sts-abc-1', 'statefulset/mysql', '--replicas=0'] },
      ],
    });
    const script = await readFile(join(dir, 'repro.sh'), 'utf8');
    expect(script).toMatch(
      /create secret generic mysql-secret -n "\$NS" --from-literal=root-password="\$\(secret\)"\n/,
    );
    expect(script).toContain('kubectl apply -n "${NS}" -f manifests/mysql.yaml');
    expect(script.indexOf('apply')).toBeLessThan(script.indexOf('scale'));
    expect(await readdir(join(dir, 'manifests'))).toEqual(['mysql.yaml']);
    const everything = script + (await readFile(join(dir, 'manifests', 'mysql.yaml'), 'utf8'));
    expect(everything).not.toContain('hunter2');
  });
});
