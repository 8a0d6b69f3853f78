import { describe, expect, it } from 'vitest';
import {
  goRawStringConstant,
  goStringConstants,
  imagesInManifest,
  kindBasePackages,
  replaceImage,
  restrictOomScoreAdj,
  sandboxImage,
} from './kind-source.js';

// Synthetic inputs in the shape of kind's files (not copies of them).
const dockerfile = [
  'FROM $BASE_IMAGE AS base',
  'RUN chmod 755 /kind/bin && \\',
  '    echo "Installing Packages ..." \\',
  '    && DEBIAN_FRONTEND=noninteractive clean-install \\',
  '      systemd \\',
  '      conntrack iptables \\',
  '      bash ca-certificates jq procps \\',
  '    && rm -f /lib/systemd/system/multi-user.target.wants/*',
].join('\n');

const goSource = [
  'package nodeimage',
  '',
  'const cniImage = "docker.io/example/cni:v1"',
  'const helperImage = "docker.io/example/helper:v2"',
  '',
  'const manifest = `',
  'spec:',
  '  image: ` + cniImage + `',
  '  args: ["--helper", "` + helperImage + `"]',
  '`',
  '',
  'const other = `x`',
].join('\n');

describe('kindBasePackages', () => {
  it('reads the clean-install list', () => {
    expect(kindBasePackages(dockerfile)).toEqual([
      'systemd',
      'conntrack',
      'iptables',
      'bash',
      'ca-certificates',
      'jq',
      'procps',
    ]);
  });

  it('fails loudly when the list moved', () => {
    expect(() => kindBasePackages('FROM debian\nRUN apt-get install -y curl\n')).toThrow(/clean-install/);
  });
});

describe('goRawStringConstant', () => {
  it('joins the raw string pieces with the named constants substituted', () => {
    const constants = goStringConstants(goSource);
    expect(goRawStringConstant(goSource, 'manifest', constants)).toBe(
      '\nspec:\n  image: docker.io/example/cni:v1\n  args: ["--helper", "docker.io/example/helper:v2"]\n',
    );
  });

  it('names an unknown constant instead of guessing', () => {
    expect(() => goRawStringConstant(goSource, 'manifest', new Map())).toThrow(/unknown constant cniImage/);
  });

  it('names a missing constant', () => {
    expect(() => goRawStringConstant(goSource, 'absent', new Map())).toThrow(/no raw string constant absent/);
  });
});

describe('containerd config', () => {
  const config =
    '[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "registry.k8s.io/pause:3.10"\n  restrict_oom_score_adj = false\n';

  it('finds the sandbox image', () => {
    expect(sandboxImage(config)).toBe('registry.k8s.io/pause:3.10');
  });

  it('restricts oom_score_adj and leaves the rest untouched', () => {
    expect(restrictOomScoreAdj(config)).toBe(
      config.replace('restrict_oom_score_adj = false', 'restrict_oom_score_adj = true'),
    );
  });

  it('is idempotent and refuses a config without the setting', () => {
    const restricted = restrictOomScoreAdj(config);
    expect(restrictOomScoreAdj(restricted)).toBe(restricted);
    expect(() => restrictOomScoreAdj('version = 2\n')).toThrow(/restrict_oom_score_adj/);
  });
});

describe('imagesInManifest', () => {
  it('lists image fields once each', () => {
    const manifest = 'containers:\n- image: a/b:1\n  name: x\n- name: y\n  image: "c/d:2"\nimage: a/b:1\n';
    expect(imagesInManifest(manifest)).toEqual(['a/b:1', 'c/d:2']);
  });
});

describe('replaceImage', () => {
  const manifest = 'containers:\n- name: cni\n  image: docker.io/example/cni:v1\n  env: []\n- image: "other/x:2"\n';

  it('swaps exactly the named image', () => {
    expect(replaceImage(manifest, 'docker.io/example/cni:v1', 'local/lite:1')).toBe(
      manifest.replace('docker.io/example/cni:v1', 'local/lite:1'),
    );
  });

  it('refuses when the image is not there', () => {
    expect(() => replaceImage(manifest, 'docker.io/example/cni:v2', 'local/lite:1')).toThrow(
      /no image: docker.io\/example\/cni:v2/,
    );
  });
});
