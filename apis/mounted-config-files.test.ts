import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  KUBE_ROOT_CA,
  mountedConfigFiles,
  mountedConfigMapNames,
  type VolumeLike,
  type VolumeMountLike,
} from './mounted-config-files.js';

const configMaps = {
  'llm-files': { 'config.yaml': 'base_url: https://api.openai.com/v1', '.env': 'A=1' },
  tuning: { 'prompts.txt': 'hello' },
  [KUBE_ROOT_CA]: { 'ca.crt': '-----BEGIN CERTIFICATE-----' },
};
const volumes: VolumeLike[] = [
  { name: 'llm', configMap: { name: 'llm-files' } },
  {
    name: 'one-key',
    configMap: { name: 'llm-files', items: [{ key: 'config.yaml', path: 'conf/llm.yaml' }] },
  },
  {
    name: 'projected',
    projected: {
      sources: [
        { configMap: { name: 'tuning' } },
        { serviceAccountToken: { path: 'token' } },
        { configMap: { name: KUBE_ROOT_CA, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      ],
    },
  },
  { name: 'secret', secret: { secretName: 'keys' } } as VolumeLike,
  { name: 'unmounted', configMap: { name: 'other' } },
];
const files = (mounts: VolumeMountLike[], skip?: (c: string, cm: string) => boolean) =>
  mountedConfigFiles({ name: 'agent', volumeMounts: mounts }, volumes, configMaps, skip).map(
    (f) => `${f.path} ← ${f.configMap}/${f.key}`,
  );

describe('mountedConfigFiles', () => {
  it('lays every key out as a file under the mount path', () =>
    assert.deepEqual(files([{ name: 'llm', mountPath: '/etc/llm/' }]), [
      '/etc/llm/config.yaml ← llm-files/config.yaml',
      '/etc/llm/.env ← llm-files/.env',
    ]));
  it('shows only the listed items, at their paths', () =>
    assert.deepEqual(files([{ name: 'one-key', mountPath: '/etc/app' }]), [
      '/etc/app/conf/llm.yaml ← llm-files/config.yaml',
    ]));
  it('reads the ConfigMap sources of a projected volume, never the cluster CA', () =>
    assert.deepEqual(files([{ name: 'projected', mountPath: '/var/run/x' }]), [
      '/var/run/x/prompts.txt ← tuning/prompts.txt',
    ]));
  it('a subPath mount shows one file at the mount path', () =>
    assert.deepEqual(files([{ name: 'llm', mountPath: '/app/config.yaml', subPath: 'config.yaml' }]), [
      '/app/config.yaml ← llm-files/config.yaml',
    ]));
  it('a subPath mount of a directory shows what is under it', () =>
    assert.deepEqual(files([{ name: 'one-key', mountPath: '/cfg', subPath: 'conf' }]), [
      '/cfg/llm.yaml ← llm-files/config.yaml',
    ]));
  it('a subPathExpr mount is read as the whole volume (its value is only known at run time)', () =>
    assert.deepEqual(files([{ name: 'one-key', mountPath: '/cfg', subPathExpr: '$(POD_NAME)' }]), [
      '/cfg/conf/llm.yaml ← llm-files/config.yaml',
    ]));
  it('never reads a Secret volume, nor a ConfigMap it was not given', () =>
    assert.deepEqual(
      files([
        { name: 'secret', mountPath: '/keys' },
        { name: 'unmounted', mountPath: '/x' },
      ]),
      [],
    ));
  it('skips the mounts it is told to', () =>
    assert.deepEqual(
      files([{ name: 'llm', mountPath: '/etc/llm' }], (c, cm) => c === 'agent' && cm === 'llm-files'),
      [],
    ));
});

describe('mountedConfigMapNames', () => {
  it('names the ConfigMaps of mounted volumes only', () => {
    const containers = [
      { name: 'a', volumeMounts: [{ name: 'llm', mountPath: '/a' }] },
      {
        name: 'b',
        volumeMounts: [
          { name: 'projected', mountPath: '/b' },
          { name: 'secret', mountPath: '/s' },
        ],
      },
    ];
    assert.deepEqual(mountedConfigMapNames(volumes, containers), ['llm-files', 'tuning']);
    assert.deepEqual(
      mountedConfigMapNames(volumes, containers, (c) => c === 'a'),
      ['tuning'],
    );
    assert.deepEqual(mountedConfigMapNames(undefined, containers), []);
  });
});
