package dev.hyperbundle.hvassist.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * ioctl numbers: the four from TOOLCHAIN.md, the rest as the C preprocessor expands linux/kvm.h on x86-64
 * (printed here with printf("%lX", KVM_...) against /usr/include/linux/kvm.h).
 */
class KvmIoctlTest {
    @Test
    void knownValuesFromToolchain() {
        assertEquals(0xAE80L, KvmIoctl.KVM_RUN);
        assertEquals(0x4020AE46L, KvmIoctl.KVM_SET_USER_MEMORY_REGION);
        assertEquals(0x8090AE81L, KvmIoctl.KVM_GET_REGS);
        assertEquals(0x4138AE84L, KvmIoctl.KVM_SET_SREGS);
    }

    @Test
    void systemAndVmIoctls() {
        assertEquals(0xAE00L, KvmIoctl.KVM_GET_API_VERSION);
        assertEquals(0xAE01L, KvmIoctl.KVM_CREATE_VM);
        assertEquals(0xAE03L, KvmIoctl.KVM_CHECK_EXTENSION);
        assertEquals(0xAE04L, KvmIoctl.KVM_GET_VCPU_MMAP_SIZE);
        assertEquals(0xAE41L, KvmIoctl.KVM_CREATE_VCPU);
        assertEquals(0xAE47L, KvmIoctl.KVM_SET_TSS_ADDR);
        assertEquals(0x4008AE48L, KvmIoctl.KVM_SET_IDENTITY_MAP_ADDR);
    }

    @Test
    void vcpuIoctls() {
        assertEquals(0x4090AE82L, KvmIoctl.KVM_SET_REGS);
        assertEquals(0x8138AE83L, KvmIoctl.KVM_GET_SREGS);
        assertEquals(0x4004AE86L, KvmIoctl.KVM_INTERRUPT);
        assertEquals(0xC008AE88L, KvmIoctl.KVM_GET_MSRS);
        assertEquals(0x4008AE89L, KvmIoctl.KVM_SET_MSRS);
        assertEquals(0x4004AE8BL, KvmIoctl.KVM_SET_SIGNAL_MASK);
        assertEquals(0x81A0AE8CL, KvmIoctl.KVM_GET_FPU);
        assertEquals(0x41A0AE8DL, KvmIoctl.KVM_SET_FPU);
        assertEquals(0x4008AE90L, KvmIoctl.KVM_SET_CPUID2);
        assertEquals(0x8004AE98L, KvmIoctl.KVM_GET_MP_STATE);
        assertEquals(0x4004AE99L, KvmIoctl.KVM_SET_MP_STATE);
        assertEquals(0xAE9AL, KvmIoctl.KVM_NMI);
        assertEquals(0x8040AE9FL, KvmIoctl.KVM_GET_VCPU_EVENTS);
        assertEquals(0x4040AEA0L, KvmIoctl.KVM_SET_VCPU_EVENTS);
        assertEquals(0x8080AEA1L, KvmIoctl.KVM_GET_DEBUGREGS);
        assertEquals(0x4080AEA2L, KvmIoctl.KVM_SET_DEBUGREGS);
        assertEquals(0xAEA2L, KvmIoctl.KVM_SET_TSC_KHZ);
    }

    @Test
    void sizeMustFitFourteenBits() {
        assertThrows(IllegalArgumentException.class, () -> Ioctls.ioc(Ioctls.READ, Ioctls.KVMIO, 1, 1 << 14));
    }

    @Test
    void capabilityNumbersFromKvmH() {
        assertEquals(3, KvmCap.USER_MEMORY.number);
        assertEquals(4, KvmCap.SET_TSS_ADDR.number);
        assertEquals(7, KvmCap.EXT_CPUID.number);
        assertEquals(22, KvmCap.USER_NMI.number);
        assertEquals(37, KvmCap.SET_IDENTITY_MAP_ADDR.number);
        assertEquals(41, KvmCap.VCPU_EVENTS.number);
        assertEquals(50, KvmCap.DEBUGREGS.number);
        assertEquals(81, KvmCap.READONLY_MEM.number);
        assertEquals(136, KvmCap.IMMEDIATE_EXIT.number);
        assertEquals("KVM_EXIT_HLT (5)", KvmExit.describe(KvmExit.HLT));
        assertEquals("KVM_EXIT_INTERNAL_ERROR (17)", KvmExit.describe(17));
    }
}
