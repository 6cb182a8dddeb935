import './testcontainers-env.ts';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import type { ImagePullPolicy } from 'testcontainers/build/utils/pull-policy.js';

/** Everything needed to run one lab container at a fixed address on the lab network. */
export interface LabContainerSpec {
  name: string;
  hostname: string;
  image: string;
  network: string;
  ip: string;
  labels: Record<string, string>;
  command: string[];
  dnsServer?: string;
  dnsSearch?: string;
  bindMounts?: Array<{ source: string; target: string; mode: 'ro' | 'rw' }>;
  /** Log line that says the container is ready. */
  readyLog: RegExp;
  /** The only capabilities the container gets: Docker's default set is dropped first. */
  capabilities?: string[];
}

/** Never pull: every image is built locally and no registry is reachable. */
const neverPull: ImagePullPolicy = { shouldPull: () => false };

/**
 * testcontainers has no fixed-IP API: this subclass sets the endpoint's IPAMConfig in the create
 * options, plus Docker's init (busybox as PID 1 ignores SIGTERM) and the lab DNS settings.
 */
class FixedAddressContainer extends GenericContainer {
  constructor(private readonly spec: LabContainerSpec) {
    super(spec.image);
    this.withName(spec.name)
      .withHostname(spec.hostname)
      .withLabels(spec.labels)
      .withCommand(spec.command)
      .withNetworkMode(spec.network)
      .withPullPolicy(neverPull)
      .withWaitStrategy(Wait.forLogMessage(spec.readyLog))
      .withStartupTimeout(30_000);
    if (spec.bindMounts) this.withBindMounts(spec.bindMounts);
    if (spec.capabilities) this.withDroppedCapabilities('ALL').withAddedCapabilities(...spec.capabilities);
  }

  protected override async beforeContainerCreated(): Promise<void> {
    this.createOpts.NetworkingConfig = {
      EndpointsConfig: { [this.spec.network]: { IPAMConfig: { IPv4Address: this.spec.ip } } },
    };
    this.hostConfig.Init = true;
    this.hostConfig.RestartPolicy = { Name: 'no' };
    if (this.spec.dnsServer) this.hostConfig.Dns = [this.spec.dnsServer];
    if (this.spec.dnsSearch) this.hostConfig.DnsSearch = [this.spec.dnsSearch];
  }
}

/** Starts a lab container and waits for its ready line. The lab, not testcontainers, removes it. */
export async function startLabContainer(spec: LabContainerSpec): Promise<StartedTestContainer> {
  return new FixedAddressContainer(spec).withAutoRemove(false).start();
}


