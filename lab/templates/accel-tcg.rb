    # No usable KVM: QEMU software emulation (TCG). vagrant-libvirt 0.11 needs driver "qemu"
    # here, and has no knob for TCG's translation cache (1 GiB by default, ~1.3 GB RSS per VM):
    # inject <tcg><tb-cache> through the unescaped features list (64 MiB: ~260 MB RSS).
    lv.driver = "qemu"
    lv.cpu_mode = "custom"
    lv.cpu_model = "qemu64"
    lv.features = ['acpi', 'apic', "tcg><tb-cache unit='MiB'>64</tb-cache></tcg><pae"]
