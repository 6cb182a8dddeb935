import { describe, expect, it } from 'vitest';
import { dockerfileFromLines } from './dockerfile-from.ts';
import { pullFailureReason, pullRefusal } from './pull-errors.ts';

describe('Dockerfile FROM lines', () => {
  it('substitutes ARG defaults and given build arguments, and knows stage names', () => {
    const dockerfile = ['# comment', 'ARG BASE=hybrid-lab/debian:bookworm', 'FROM ${BASE} AS build', 'RUN true', 'FROM --platform=linux/amd64 \\', '  build', 'FROM scratch', 'FROM $OTHER'].join('\n');
    expect(dockerfileFromLines(dockerfile, {}).map(({ line, image, internal }) => ({ line, image, internal }))).toEqual([
      { line: 3, image: 'hybrid-lab/debian:bookworm', internal: false },
      { line: 5, image: 'build', internal: true },
      { line: 7, image: 'scratch', internal: true },
      { line: 8, image: '', internal: false },
    ]);
    expect(dockerfileFromLines(dockerfile, { BASE: 'hybrid-lab/debian:bookworm-abc' })[0].image).toBe('hybrid-lab/debian:bookworm-abc');
  });
});

describe('pull errors', () => {
  it('tells an unreachable registry from a refusal', () => {
    expect(pullFailureReason('Get "https://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused')).toMatch(/^no registry is reachable/);
    expect(pullFailureReason('pull access denied for x, repository does not exist')).toMatch(/^the registry refused it/);
  });

  it('names the field, the image and the alternatives', () => {
    const error = pullRefusal('app:1', 'nodes[2].image', 'lab.yaml', 'dial tcp: lookup registry-1.docker.io: no such host');
    expect(error.message).toMatch(/^lab\.yaml: nodes\[2\]\.image: image is not on this machine and cannot be pulled: no registry is reachable/);
    expect(error.message).toMatch(/\(got "app:1"\)\. Fix: build it here instead with build:.*docker images.*docker load -i/);
    expect(error.exitCode).toBe(2);
  });
});
