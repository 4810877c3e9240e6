package dev.hyperbundle.hvassist.backend;

import dev.hyperbundle.backend.VcpuException;
import dev.hyperbundle.hvassist.kvm.KvmIoctl;
import dev.hyperbundle.hvassist.kvm.KvmSystem;
import dev.hyperbundle.hvassist.kvm.KvmVm;
import dev.hyperbundle.hvassist.sys.SysException;
import dev.hyperbundle.memory.MemoryRegion;
import dev.hyperbundle.memory.PhysicalMemory;
import java.util.List;

/**
 * The KVM VM behind one vCPU: created over the machine's memory (each region becomes a memory slot over
 * the same host bytes; ROM read-only, so guest writes to it exit as MMIO and are dropped as on hardware).
 */
final class KvmGuestVm implements AutoCloseable {
    /**
     * KVM_SET_TSS_ADDR needs three pages and KVM_SET_IDENTITY_MAP_ADDR one, below 4 GiB and outside the
     * guest's memory (api.rst 4.48, 4.61). Firecracker uses 0xfffbd000 for the TSS; the identity map goes in
     * the page below, which is also KVM's default (VMX_EPT_IDENTITY_PAGETABLE_ADDR).
     */
    static final long TSS_ADDRESS = 0xfffbd000L, IDENTITY_MAP_ADDRESS = 0xfffbc000L, RESERVED_END = 0xfffc0000L;

    final KvmVm vm;
    final List<MemoryRegion> regions;

    private KvmGuestVm(KvmVm vm, List<MemoryRegion> regions) {
        this.vm = vm;
        this.regions = regions;
    }

    static KvmGuestVm create(String path, PhysicalMemory memory) {
        List<MemoryRegion> regions = memory.regions();
        for (MemoryRegion r : regions) {
            if (r.base() < RESERVED_END && IDENTITY_MAP_ADDRESS < r.end()) {
                throw new VcpuException(String.format("memory region %s (0x%x-0x%x) overlaps the pages KVM needs for "
                        + "real mode at 0x%x-0x%x", r.name(), r.base(), r.end() - 1, IDENTITY_MAP_ADDRESS, RESERVED_END - 1));
            }
        }
        KvmVm vm;
        try (KvmSystem kvm = KvmSystem.open(path)) {
            vm = kvm.createVm();
        } catch (SysException e) {
            throw new VcpuException("cannot create a KVM VM: " + e.getMessage(), e);
        }
        try {
            vm.setIdentityMapAddress(IDENTITY_MAP_ADDRESS);
            vm.setTssAddress(TSS_ADDRESS);
            int slot = 0;
            for (MemoryRegion r : regions) {
                vm.setUserMemoryRegion(slot++, r.readOnly() ? KvmIoctl.KVM_MEM_READONLY : 0, r.base(), r.segment());
            }
            return new KvmGuestVm(vm, regions);
        } catch (SysException e) {
            vm.close();
            throw new VcpuException("cannot set up the KVM VM: " + e.getMessage(), e);
        }
    }

    /** True when address is in a ROM region (a guest write there reaches us as an MMIO exit). */
    boolean inRom(long address) {
        for (MemoryRegion r : regions) {
            if (r.readOnly() && address >= r.base() && address < r.end()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        vm.close();
    }
}
