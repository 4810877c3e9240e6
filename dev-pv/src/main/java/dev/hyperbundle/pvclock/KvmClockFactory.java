package dev.hyperbundle.pvclock;

import dev.hyperbundle.cpu.CpuidTable;
import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.device.DeviceFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.osgi.service.component.annotations.Component;

/**
 * "kvmclock": the paravirtual CPU interface for the emulating backends. Adds the KVM hypervisor CPUID
 * leaves (Linux Documentation/virt/kvm/x86/cpuid.rst) with KVM_FEATURE_CLOCKSOURCE2 and
 * KVM_FEATURE_CLOCKSOURCE_STABLE_BIT, and claims the two kvmclock MSRs.
 */
@Component(service = DeviceFactory.class)
public final class KvmClockFactory implements DeviceFactory {
    public static final int KVM_CPUID_SIGNATURE = 0x40000000, KVM_CPUID_FEATURES = 0x40000001;
    public static final int KVM_FEATURE_CLOCKSOURCE2 = 1 << 3, KVM_FEATURE_CLOCKSOURCE_STABLE_BIT = 1 << 24;

    @Override
    public String type() {
        return KvmClock.TYPE;
    }

    @Override
    public String description() {
        return "KVM paravirtual clock (CPUID signature KVMKVMKVM, kvmclock MSRs) for the emulating backends";
    }

    @Override
    public Device create(DeviceContext context, DeviceConfig config) throws DeviceConfigException {
        config.checkKeys();
        KvmClock clock = new KvmClock(context.memory(), context.clock(), Instant::now, context.logger(), context.deviceId());
        CpuidTable cpuid = context.cpuid();
        cpuid.setBits(1, 2, CpuidTable.ECX_HYPERVISOR);
        byte[] sig = "KVMKVMKVM\0\0\0".getBytes(StandardCharsets.US_ASCII);
        cpuid.set(KVM_CPUID_SIGNATURE, 0, KVM_CPUID_FEATURES, le32(sig, 0), le32(sig, 4), le32(sig, 8));
        cpuid.set(KVM_CPUID_FEATURES, 0, KVM_FEATURE_CLOCKSOURCE2 | KVM_FEATURE_CLOCKSOURCE_STABLE_BIT, 0, 0, 0);
        context.registerMsr(KvmClock.MSR_KVM_WALL_CLOCK_NEW, clock);
        context.registerMsr(KvmClock.MSR_KVM_SYSTEM_TIME_NEW, clock);
        return clock;
    }

    private static int le32(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
    }
}
