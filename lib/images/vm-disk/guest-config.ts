/**
 * Files the Debian disk recipe writes into the image. cloud-init is told to look only for the
 * NoCloud seed (no network metadata probing, which would wait on addresses outside the lab), to
 * make only an ed25519 host key (RSA key generation takes many seconds under TCG) and never to
 * fetch packages lists at boot (the lab has no route to a mirror).
 */
export const GUEST_CONFIG_FILES: ReadonlyArray<{ path: string; content: string; mode: number }> = [
  {
    path: 'etc/cloud/cloud.cfg.d/90-hybrid-lab.cfg',
    content: [
      '# hybrid-lab: the lab hands a NoCloud seed (a cidata ISO); nothing else exists here.',
      'datasource_list: [ NoCloud, None ]',
      'ssh_genkeytypes: [ ed25519 ]',
      'package_update: false',
      'package_upgrade: false',
      '# The image has no locales package (locale-gen would fail) and one fixed-size ext4 root',
      '# without a partition table or bootloader: nothing to grow, resize or register with grub.',
      'locale: false',
      'growpart: { mode: off }',
      'resize_rootfs: false',
      'grub_dpkg: { enabled: false }',
      '',
    ].join('\n'),
    mode: 0o644,
  },
  { path: 'etc/fstab', content: 'LABEL=hybrid-root / ext4 defaults,errors=remount-ro 0 1\n', mode: 0o644 },
  // Empty: systemd makes a fresh machine-id per VM at first boot.
  { path: 'etc/machine-id', content: '', mode: 0o444 },
  // A plain file the seed's user-data fills with the lab's DNS server and search domain.
  { path: 'etc/resolv.conf', content: '', mode: 0o644 },
  { path: 'etc/hostname', content: 'localhost\n', mode: 0o644 },
];

/**
 * Units that would only burn CPU in a short-lived lab VM (and some reach for the network).
 * systemd-networkd-wait-online sat on the boot's critical path for 14 s under TCG (between
 * networkd and cloud-init) though the NoCloud seed needs no network and the address is static.
 */
export const DISABLED_UNITS = ['apt-daily.timer', 'apt-daily-upgrade.timer', 'e2scrub_all.timer', 'fstrim.timer', 'man-db.timer', 'e2scrub_reap.service', 'systemd-networkd-wait-online.service'] as const;
