import { topologyErrorOf } from '../testing/topology-errors.ts';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TopologyError } from '../common/errors.ts';
import { parseTopology } from './load.ts';

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hybrid-lab-workloads-'));
  file = join(dir, 'lab.yaml');
  await mkdir(join(dir, 'svc'));
  await writeFile(join(dir, 'svc', 'Dockerfile'), 'FROM hybrid-lab/debian:bookworm\n');
  await writeFile(join(dir, 'conf.ini'), 'x=1\n');
  await mkdir(join(dir, 'data'));
});

const lab = (nodes: string) => `name: t1\nbridge: { name: tbr0, subnet: 10.9.0.0/24 }\nnodes:\n${nodes}`;

function parse(nodes: string) {
  return parseTopology(lab(nodes), file);
}

const refusal = (nodes: string) => topologyErrorOf(() => parse(nodes));

describe('container workload fields', () => {
  it('keeps `node` (and no image) as the built-in image with every service', () => {
    const [a, b] = parse('  - { name: a, kind: container }\n  - { name: b, kind: container, image: node, services: [http] }\n').nodes;
    expect(a).toMatchObject({ image: 'node', services: ['http', 'tcp-echo', 'udp-echo', 'iperf3'] });
    expect(b).toMatchObject({ image: 'node', services: ['http'] });
  });

  it('reads every workload field, with paths made absolute against the topology file', () => {
    const [node] = parse(`  - name: web
    kind: container
    build: { context: svc, debianPackages: [python3] }
    env: { ROLE: api, PORT: 8080, DEBUG: false }
    command: [python3, -u, /srv/app.py]
    entrypoint: [/usr/bin/env]
    files: [{ source: conf.ini, target: /etc/app/conf.ini, mode: "0600" }]
    volumes: [{ source: ./data, target: /data, readOnly: true }]
    cpus: 0.5
    memoryMb: 64
    ports: [{ port: 8080, http: true }, { port: 5353, protocol: udp }]
    readiness: { kind: http, port: 8080, path: /health }
    dependsOn: [db]
  - { name: db, kind: container, image: hybrid-lab/debian:bookworm }
`).nodes;
    expect(node).toMatchObject({
      image: undefined,
      services: [],
      build: { context: join(dir, 'svc'), dockerfile: 'Dockerfile', args: {}, debianPackages: ['python3'] },
      env: { ROLE: 'api', PORT: '8080', DEBUG: 'false' },
      files: [{ source: join(dir, 'conf.ini'), target: '/etc/app/conf.ini', mode: 0o600 }],
      volumes: [{ source: join(dir, 'data'), target: '/data', readOnly: true }],
      cpus: 0.5,
      memoryMb: 64,
      ports: [{ port: 8080, protocol: 'tcp', http: true, path: '/' }, { port: 5353, protocol: 'udp', http: false, path: '/' }],
      readiness: { kind: 'http', port: 8080, path: '/health', status: 200, timeoutSec: 30 },
      dependsOn: ['db'],
    });
  });

  it('accepts build as a bare directory', () => {
    expect(parse('  - { name: a, kind: container, build: svc }\n').nodes[0]).toMatchObject({ build: { context: join(dir, 'svc'), dockerfile: 'Dockerfile' } });
  });
});

describe('container workload fields: bad input names field, value and fix', () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ['image and build together', '  - { name: a, kind: container, image: x:1, build: svc }\n', 'nodes[0].build', /either image or build.*Fix: remove image/],
    ['not an image reference', '  - { name: a, kind: container, image: "Bad Image!" }\n', 'nodes[0].image', /not an image reference.*Fix: write NAME\[:TAG\]/],
    ['services on a user image', '  - { name: a, kind: container, image: x:1, services: [http] }\n', 'nodes[0].services', /does not run them.*Fix: remove services and declare the ports/],
    ['command on the built-in image', '  - { name: a, kind: container, command: [sh] }\n', 'nodes[0].command', /built-in node image.*Fix: remove command/],
    ['ports on the built-in image without host', '  - { name: a, kind: container, ports: [{ port: 80 }] }\n', 'nodes[0].ports[0].host', /only publishes a port on the host.*Fix: add host: 8080/],
    ['missing build context', '  - { name: a, kind: container, build: nowhere }\n', 'nodes[0].build.context', /nowhere does not exist.*Fix: create the folder/],
    ['missing Dockerfile', '  - { name: a, kind: container, build: { context: data } }\n', 'nodes[0].build.dockerfile', /Dockerfile does not exist.*Fix: add Dockerfile/],
    ['missing volume path', '  - { name: a, kind: container, image: x:1, volumes: [{ source: gone, target: /gone }] }\n', 'nodes[0].volumes[0].source', /gone does not exist.*bind mount needs an existing host path/],
    ['missing file', '  - { name: a, kind: container, image: x:1, files: [{ source: gone.ini, target: /etc/x }] }\n', 'nodes[0].files[0].source', /does not exist/],
    ['relative target', '  - { name: a, kind: container, image: x:1, files: [{ source: conf.ini, target: etc/x }] }\n', 'nodes[0].files[0].target', /not an absolute path/],
    ['bad readiness kind', '  - { name: a, kind: container, image: x:1, readiness: { kind: ping } }\n', 'nodes[0].readiness.kind', /unknown readiness kind.*Fix: use kind: tcp, http, log or command/],
    ['bad log pattern', '  - { name: a, kind: container, image: x:1, readiness: { kind: log, pattern: "(" } }\n', 'nodes[0].readiness.pattern', /not a valid regular expression/],
    ['dependsOn unknown', '  - { name: a, kind: container, dependsOn: [b] }\n', 'nodes[0].dependsOn[0]', /no node of that name.*Fix: name one of a/],
    ['dependsOn itself', '  - { name: a, kind: container, dependsOn: [a] }\n', 'nodes[0].dependsOn[0]', /cannot depend on itself/],
    ['bad package name', '  - { name: a, kind: container, build: { context: svc, debianPackages: ["Python 3"] } }\n', 'nodes[0].build.debianPackages[0]', /not a Debian package name/],
  ];
  for (const [title, nodes, field, message] of cases) it(title, () => {
    const error = refusal(nodes);
    expect(error.fieldPath).toBe(field);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(file);
    expect(error.exitCode).toBe(2);
  });

  it('refuses a dependency cycle, naming it', () => {
    const error = refusal('  - { name: a, kind: container, dependsOn: [b] }\n  - { name: b, kind: container, dependsOn: [c] }\n  - { name: c, kind: container, dependsOn: [a] }\n');
    expect(error.message).toMatch(/nodes\[0\]\.dependsOn: dependency cycle a -> b -> c -> a.*Fix: remove one of these dependencies/);
  });
});
