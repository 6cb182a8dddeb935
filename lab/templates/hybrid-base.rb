  # Role hybrid-base: a minimal Debian VM with the lab's test services (HTTP, echo, iperf3).
  config.vm.define "{{name}}" do |node|
    node.vm.box = "{{box}}"
    node.vm.provider :libvirt do |lv|
      lv.memory = {{memoryMb}}
      lv.cpus = {{cpus}}
      lv.serial :type => "file", :source => {:path => "{{serialLog}}"}
    end
    # Hybrid NIC (eth1): on the lab bridge through the bridge-mode libvirt network; fixed MAC so
    # the guest finds it; addressed by the provisioner, not by Vagrant (no guest plugin needed).
    node.vm.network :private_network, libvirt__network_name: "{{hybridNetwork}}", libvirt__mac: "{{mac}}", libvirt__always_destroy: false, auto_config: false
    node.vm.provision "hybrid-net", type: "shell", path: "{{provisionScript}}"
    {{userProvisioners}}
  end
