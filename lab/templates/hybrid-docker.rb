  # Role hybrid-docker: hybrid-base plus a Docker engine in the guest (box built with
  # `hybrid-lab box build --role docker`). dockerd is started by the provisioner (no systemd).
  config.vm.define "{{name}}" do |node|
    node.vm.box = "{{box}}"
    node.vm.provider :libvirt do |lv|
      lv.memory = {{memoryMb}}
      lv.cpus = {{cpus}}
      lv.serial :type => "file", :source => {:path => "{{serialLog}}"}
    end
    node.vm.network :private_network, libvirt__network_name: "{{hybridNetwork}}", libvirt__mac: "{{mac}}", libvirt__always_destroy: false, auto_config: false
    node.vm.provision "hybrid-net", type: "shell", path: "{{provisionScript}}"
    node.vm.provision "docker", type: "shell", inline: <<-SHELL
      set -e
      mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup
      modprobe overlay; modprobe br_netfilter || true
      if ! docker info >/dev/null 2>&1; then
        nohup dockerd >/var/log/dockerd.log 2>&1 &
        for i in $(seq 1 120); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
      fi
      docker info >/dev/null && echo "docker ready"
    SHELL
    {{userProvisioners}}
  end
