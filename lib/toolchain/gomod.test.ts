import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDirectives, stagingReplaces, toolsFile, wrapperGoMod } from './gomod.js';

// The head, three requirements and the whole replace block of Kubernetes v1.34.10's go.mod.
const kubernetesGoMod = readFileSync(new URL('./testdata/kubernetes-v1.34.10.go.mod.excerpt', import.meta.url), 'utf8');

describe('stagingReplaces', () => {
  it('maps every staging module of the recorded Kubernetes go.mod to its published tag', () => {
    const replaces = stagingReplaces(kubernetesGoMod, 'v0.34.10');
    expect(replaces).toHaveLength(31);
    expect(replaces).toContain('replace k8s.io/client-go => k8s.io/client-go v0.34.10');
    expect(replaces).toContain('replace k8s.io/externaljwt => k8s.io/externaljwt v0.34.10');
    expect(replaces.every((line) => /^replace (k8s\.io\/[\w.-]+) => \1 v0\.34\.10$/.test(line))).toBe(true);
  });

  it('refuses a go.mod without staging replaces rather than building a broken wrapper', () => {
    expect(() => stagingReplaces('module k8s.io/kubernetes\n\ngo 1.24.0\n', 'v0.34.10')).toThrow(/staging/);
  });

  it('reads the single-line replace form too', () => {
    expect(stagingReplaces('replace k8s.io/api => ./staging/src/k8s.io/api\n', 'v0.1.2')).toEqual([
      'replace k8s.io/api => k8s.io/api v0.1.2',
    ]);
  });
});

describe('parseDirectives', () => {
  it('keeps the language version and GODEBUG defaults of Kubernetes', () => {
    expect(parseDirectives(kubernetesGoMod)).toEqual({ go: '1.24.0', godebug: ['default=go1.24'] });
  });

  it('reads godebug blocks and ignores comments', () => {
    const goMod = 'module x\n\ngo 1.23\n\ngodebug (\n\tdefault=go1.21 // old\n\tpanicnil=1\n)\n';
    expect(parseDirectives(goMod)).toEqual({ go: '1.23', godebug: ['default=go1.21', 'panicnil=1'] });
  });
});

describe('wrapperGoMod', () => {
  it('requires the target at its version with its go line, godebug and the replaces', () => {
    const text = wrapperGoMod({
      name: 'sts-conformance.local/build/kubernetes',
      targetGoMod: kubernetesGoMod,
      module: 'k8s.io/kubernetes',
      version: 'v1.34.10',
      replaces: ['replace k8s.io/api => k8s.io/api v0.34.10'],
    });
    expect(text).toBe(
      'module sts-conformance.local/build/kubernetes\n\ngo 1.24.0\n\ngodebug default=go1.24\n\nrequire k8s.io/kubernetes v1.34.10\n\nreplace k8s.io/api => k8s.io/api v0.34.10\n',
    );
  });
});

describe('toolsFile', () => {
  it('imports each package behind the tools build tag', () => {
    expect(toolsFile(['a/b', 'c/d'])).toBe('//go:build tools\n\npackage tools\n\nimport (\n\t_ "a/b"\n\t_ "c/d"\n)\n');
  });
});
