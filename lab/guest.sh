#!/bin/bash
# Runs inside the lab guest (started by scripts/lab.sh run), as root: mounts hugetlbfs for 2M,
# binds QEMU's edu device to vfio-pci, exports where its VFIO group and cdev are, then runs the
# command in the clone's folder and leaves its exit status in $LAB_OUT/.lab-status.
set -uo pipefail

guest_say() { echo "lab guest: $*" >&2; }

# The host retries a boot that dies before this line (a TCG flake), never one that got here.
: >"$LAB_OUT/.lab-started"

# hugetlbfs for 2 MiB pages, where libhugetlbfs (the hugetlbfs-2m kind) finds it.
if ! grep -q ' hugetlbfs ' /proc/mounts; then
    mkdir -p /dev/hugepages
    mount -t hugetlbfs -o pagesize=2M none /dev/hugepages || guest_say "could not mount hugetlbfs"
fi

# debugfs, where the kernel's gup_test (CONFIG_GUP_TEST) has its file.
grep -q ' debugfs ' /proc/mounts || mount -t debugfs none /sys/kernel/debug 2>/dev/null || guest_say "could not mount debugfs"

# QEMU's edu devices (1234:11e8), bound to vfio-pci through driver_override. The one alone in
# its IOMMU group is the lab's device; the one behind the PCI bridge shares its group with a
# virtio-rng device that virtio-pci keeps, so that group is not viable (a bad-input check).
bind_vfio() {
    local bdf="$1" sysfs="/sys/bus/pci/devices/$1"
    if [ -e "$sysfs/driver" ] && [ "$(basename "$(readlink "$sysfs/driver")")" != vfio-pci ]; then
        echo "$bdf" >"$sysfs/driver/unbind"
    fi
    echo vfio-pci >"$sysfs/driver_override"
    [ -e "$sysfs/driver" ] || echo "$bdf" >/sys/bus/pci/drivers_probe
}

# The second edu alone in its group goes to PinBench's module (its PCI driver takes only
# devices named by driver_override, and binds them when the suite loads it): LAB_KMOD_BDF.
give_to_module() {
    local bdf="$1" sysfs="/sys/bus/pci/devices/$1"
    [ -e "$sysfs/driver" ] && echo "$bdf" >"$sysfs/driver/unbind"
    echo pinbench >"$sysfs/driver_override"
}

# The edu devices behind the PCIe expander bridges report a node (sysfs numa_node >= 0): they go
# to vfio-pci too, listed in LAB_NODE_DEVICES as "BDF,NODE,GROUP,CDEV" words.
LAB_VFIO_BDF="" LAB_VFIO_GROUP="" LAB_VFIO_CDEV="" LAB_NONVIABLE_GROUP="" LAB_NONVIABLE_BDF="" LAB_KMOD_BDF=""
LAB_NODE_DEVICES=""
node_bdfs=()
for device in /sys/bus/pci/devices/*; do
    [ "$(cat "$device/vendor")" = 0x1234 ] && [ "$(cat "$device/device")" = 0x11e8 ] || continue
    if [ ! -e "$device/iommu_group" ]; then
        guest_say "$(basename "$device") has no IOMMU group (is intel_iommu=on in effect?)"
        continue
    fi
    group="$(basename "$(readlink "$device/iommu_group")")"
    if [ "$(cat "$device/numa_node" 2>/dev/null || echo -1)" -ge 0 ]; then
        bind_vfio "$(basename "$device")"
        node_bdfs+=("$(basename "$device")")
        continue
    fi
    if [ -n "$LAB_VFIO_BDF" ] && [ -z "$LAB_KMOD_BDF" ] && [ "$(ls "$device/iommu_group/devices" | wc -l)" -eq 1 ]; then
        LAB_KMOD_BDF="$(basename "$device")"
        give_to_module "$LAB_KMOD_BDF"
        continue
    fi
    bind_vfio "$(basename "$device")"
    if [ "$(ls "$device/iommu_group/devices" | wc -l)" -eq 1 ]; then
        LAB_VFIO_BDF="$(basename "$device")"
        LAB_VFIO_GROUP="$group"
        for cdev in "$device"/vfio-dev/vfio*; do
            [ -e "$cdev" ] && LAB_VFIO_CDEV="/dev/vfio/devices/$(basename "$cdev")"
        done
    else
        LAB_NONVIABLE_GROUP="$group"
        LAB_NONVIABLE_BDF="$(basename "$device")"
    fi
done
[ -n "$LAB_VFIO_BDF" ] || guest_say "no edu device (1234:11e8) alone in an IOMMU group"
for bdf in "${node_bdfs[@]}"; do
    device="/sys/bus/pci/devices/$bdf" cdev=""
    for _ in $(seq 50); do
        for entry in "$device"/vfio-dev/vfio*; do [ -e "$entry" ] && cdev="/dev/vfio/devices/$(basename "$entry")"; done
        [ -n "$cdev" ] && [ -e "$cdev" ] && break
        sleep 0.1
    done
    LAB_NODE_DEVICES+="${LAB_NODE_DEVICES:+ }$bdf,$(cat "$device/numa_node"),$(basename "$(readlink "$device/iommu_group")"),${cdev:-none}"
done
# devtmpfs makes the nodes asynchronously.
for _ in $(seq 50); do
    { [ -z "$LAB_VFIO_GROUP" ] || [ -e "/dev/vfio/$LAB_VFIO_GROUP" ]; } \
        && { [ -z "$LAB_VFIO_CDEV" ] || [ -e "$LAB_VFIO_CDEV" ]; } && break
    sleep 0.1
done
export LAB_VFIO_BDF LAB_VFIO_GROUP LAB_VFIO_CDEV LAB_NONVIABLE_GROUP LAB_NONVIABLE_BDF LAB_KMOD_BDF LAB_NODE_DEVICES
guest_say "$(uname -r) (${LAB_KERNEL_SOURCE:-source unknown}), $(ls -d /sys/devices/system/node/node* 2>/dev/null | wc -l) node(s), $(nproc) CPUs;" \
    "edu ${LAB_VFIO_BDF:-missing} group ${LAB_VFIO_GROUP:-none} cdev ${LAB_VFIO_CDEV:-none}," \
    "non-viable group ${LAB_NONVIABLE_GROUP:-none}, module's edu ${LAB_KMOD_BDF:-missing}," \
    "edu on nodes: ${LAB_NODE_DEVICES:-none}"

cd "$LAB_ROOT" || exit 1
"$@"
status=$?
echo "$status" >"$LAB_OUT/.lab-status"
exit "$status"
