/** Debian packages the lab needs on the host, what each is for, and which feature needs it. */
export interface HostPackage {
  name: string;
  why: string;
  neededFor: 'core' | 'vm' | 'vagrant' | 'debug' | 'reports' | 'build' | 'podman';
  /** A program whose presence shows the package is installed. */
  provides?: string;
}

export const HOST_PACKAGES: readonly HostPackage[] = [
  { name: 'docker.io', why: 'Docker engine for containers', neededFor: 'core', provides: 'dockerd' },
  { name: 'iputils-ping', why: 'ping from the host in probes and suites', neededFor: 'core', provides: 'ping' },
  { name: 'iproute2', why: 'bridges, veths, taps, routes', neededFor: 'core', provides: 'ip' },
  { name: 'iptables', why: 'forwarding rules for the bridge', neededFor: 'core', provides: 'iptables' },
  { name: 'busybox-static', why: 'rootfs of the node image and VM initramfs', neededFor: 'core', provides: 'busybox' },
  { name: 'dnsmasq-base', why: 'DNS server binary copied into the DNS image', neededFor: 'core', provides: 'dnsmasq' },
  { name: 'iperf3', why: 'throughput server/client in nodes', neededFor: 'core', provides: 'iperf3' },
  { name: 'gcc', why: 'builds the static hl-echo tool', neededFor: 'build', provides: 'gcc' },
  { name: 'libc6-dev', why: 'static libc for hl-echo', neededFor: 'build' },
  { name: 'tcpdump', why: 'packet capture on the bridge', neededFor: 'debug', provides: 'tcpdump' },
  { name: 'tshark', why: 'reference decoder in tests', neededFor: 'debug', provides: 'tshark' },
  { name: 'bind9-dnsutils', why: 'dig for manual DNS checks', neededFor: 'debug', provides: 'dig' },
  { name: 'qemu-system-x86', why: 'qemu VM provider', neededFor: 'vm', provides: 'qemu-system-x86_64' },
  { name: 'qemu-utils', why: 'qemu-img for disks', neededFor: 'vm', provides: 'qemu-img' },
  { name: 'cpio', why: 'packs the VM initramfs', neededFor: 'vm', provides: 'cpio' },
  { name: 'genisoimage', why: 'qemu disk VMs: writes the cloud-init NoCloud seed (cidata ISO)', neededFor: 'vm', provides: 'genisoimage' },
  { name: 'chromium', why: 'headless checks of HTML reports', neededFor: 'reports', provides: 'chromium' },
  { name: 'vagrant', why: 'vagrant VM provider: runs Vagrant with the libvirt plugin', neededFor: 'vagrant', provides: 'vagrant' },
  { name: 'vagrant-libvirt', why: 'vagrant VM provider: Vagrant\'s libvirt back-end', neededFor: 'vagrant' },
  { name: 'libvirt-daemon-system', why: 'vagrant VM provider: libvirtd/virtlogd and the QEMU driver', neededFor: 'vagrant', provides: 'libvirtd' },
  { name: 'libvirt-clients', why: 'vagrant VM provider: virsh for networks, domains, volumes', neededFor: 'vagrant', provides: 'virsh' },
  { name: 'debootstrap', why: 'vagrant VM provider: builds the Debian box locally (hybrid-lab box build)', neededFor: 'vagrant', provides: 'debootstrap' },
  { name: 'podman', why: 'podman container runtime (`runtime: podman`): its Docker-compatible API service', neededFor: 'podman', provides: 'podman' },
  { name: 'catatonit', why: 'podman runtime: the init (PID 1) of every lab container (--init)', neededFor: 'podman', provides: 'catatonit' },
  { name: 'netavark', why: 'podman runtime: its network back-end (bridge networks with fixed addresses)', neededFor: 'podman' },
  { name: 'strace', why: 'debug: shows every connect() of a program (how the vagrant provider was checked for phone-home)', neededFor: 'debug', provides: 'strace' },
];

/** The host feature a container runtime needs besides `core` (a runtime whose packages are listed under its own name). */
export function runtimeFeatures(runtime: string | undefined): Array<HostPackage['neededFor']> {
  return HOST_PACKAGES.some((pkg) => pkg.neededFor === runtime) ? [runtime as HostPackage['neededFor']] : [];
}
