import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanArtifacts, secretsInFixtures } from './artifact-scan.js';

let root: string;
const fixtures = () => join(root, 'fixtures');
const out = () => join(root, 'out');

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'artifact-scan-'));
  await mkdir(join(fixtures(), 'db'), { recursive: true });
  await mkdir(join(out(), 'timelines', 'a'), { recursive: true });
  await writeFile(
    join(fixtures(), 'db', 'db.yaml'),
    [
      '# a database with a Secret, as the guides write them',
      'apiVersion: v1',
      'kind: Secret',
      'metadata: {name: db-secret}',
      'stringData: {root-password: "secure-root-password-123", user: ab, database: postgres}',
      'data: {replica-key: cmVwbGljYS1rZXktdmVyeS1sb25n}',
      '---',
      'apiVersion: apps/v1',
      'kind: StatefulSet',
      'metadata: {name: db}',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '      - name: db',
      '        env:',
      '        - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db-secret, key: root-password}}}',
      '        - {name: ADMIN_TOKEN, value: tok-literal-42}',
      '        command: [sh, -c, "mysqladmin -uroot -phunter2222 ping"]',
      '      volumes:',
      '      - {name: s, secret: {secretName: db-secret}}',
    ].join('\n'),
  );
  await writeFile(join(fixtures(), 'db', 'init.sql'), "CREATE USER app IDENTIFIED BY 'sql-pass-77';\n");
  await writeFile(join(out(), 'junit.xml'), '<testcase name="db"/>');
  await writeFile(join(out(), 'timelines', 'a', 'pod.log.gz'), gzipSync('boot; replica-key-very-long loaded'));
  await writeFile(join(out(), 'e2e.log'), 'db-secret mounted; DB_PASSWORD from root-password');
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('secretsInFixtures', () => {
  it('finds Secret values (written and decoded), credential env literals and inline credentials, not references', async () => {
    const { needles, skipped } = await secretsInFixtures(fixtures());
    const values = needles.map((needle) => needle.value).sort();
    expect(values).toEqual(
      [
        'cmVwbGljYS1rZXktdmVyeS1sb25n',
        'hunter2222',
        'replica-key-very-long',
        'secure-root-password-123',
        'sql-pass-77',
        'tok-literal-42',
      ].sort(),
    );
    expect(skipped).toEqual([
      { where: 'Secret db-secret stringData.user in fixtures/db/db.yaml', why: 'shorter than 4 characters' },
      {
        where: 'Secret db-secret stringData.database in fixtures/db/db.yaml',
        why: 'a Secret value under a key that names no credential',
      },
    ]);
    expect(needles.find((needle) => needle.value === 'tok-literal-42')?.where).toBe(
      'StatefulSet db env ADMIN_TOKEN in fixtures/db/db.yaml',
    );
  });

  it('refuses a fixture it cannot parse rather than searching for nothing', async () => {
    await writeFile(join(fixtures(), 'broken.yaml'), 'kind: Secret\n  bad: [indent');
    await expect(secretsInFixtures(fixtures())).rejects.toThrow(/cannot scan for secrets: fixtures\/broken.yaml/);
    await rm(join(fixtures(), 'broken.yaml'));
  });
});

describe('scanArtifacts', () => {
  it('reports the file and the origin of a leaked value, inside archives too', async () => {
    const result = await scanArtifacts(out(), fixtures());
    expect(result.files).toBe(3);
    expect(result.leaks).toHaveLength(1);
    expect(result.leaks[0]).toMatchObject({
      form: 'gunzipped, as is',
      where: expect.stringContaining('Secret db-secret data.replica-key (decoded)'),
    });
    expect(result.leaks[0]?.file).toMatch(/timelines\/a\/pod\.log\.gz$/);
  });

  it('is clean when nothing leaked', async () => {
    await rm(join(out(), 'timelines'), { recursive: true });
    expect((await scanArtifacts(out(), fixtures())).leaks).toEqual([]);
  });
});
