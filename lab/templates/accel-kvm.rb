    # KVM works on this host: hardware virtualisation, host CPU model.
    lv.driver = "kvm"
    lv.cpu_mode = "host-passthrough"
