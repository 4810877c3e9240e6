package dev.hyperbundle.hvassist.backend;

import dev.hyperbundle.backend.Availability;
import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.backend.Technique;
import dev.hyperbundle.backend.Vcpu;
import dev.hyperbundle.backend.VcpuContext;
import dev.hyperbundle.backend.VcpuException;
import org.osgi.service.component.annotations.Component;

/**
 * The hardware-assist backend: guest code runs on the host CPU through Linux KVM, driven with
 * java.lang.foreign only. The KVM device is /dev/kvm unless the system property
 * {@value #DEVICE_PROPERTY} names another (tests use missing and fake paths).
 */
@Component(service = CpuBackend.class)
public final class HvAssistBackend implements CpuBackend {
    public static final String DEVICE_PROPERTY = "hyperbundle.hvassist.device";
    public static final String DEFAULT_DEVICE = "/dev/kvm";

    private final String device;
    private volatile KvmAvailability.Result checked;

    public HvAssistBackend() {
        this(System.getProperty(DEVICE_PROPERTY, DEFAULT_DEVICE));
    }

    public HvAssistBackend(String device) {
        this.device = device;
    }

    @Override
    public String id() {
        return "hvassist";
    }

    @Override
    public Technique technique() {
        return Technique.HARDWARE_ASSIST;
    }

    /** Checked once (the paging probe runs one small VM); a device that fails is checked again next time. */
    private KvmAvailability.Result check() {
        KvmAvailability.Result r = checked;
        if (r == null) {
            synchronized (this) {
                r = checked;
                if (r == null) {
                    r = KvmAvailability.check(device);
                    if (r.availability().available()) {
                        checked = r;
                    }
                }
            }
        }
        return r;
    }

    @Override
    public Availability availability() {
        return check().availability();
    }

    @Override
    public Vcpu createVcpu(VcpuContext context) {
        KvmAvailability.Result r = check();
        if (!r.availability().available()) {
            throw new VcpuException("the hvassist backend is not available: " + r.availability().detail());
        }
        return new HvAssistVcpu(context, KvmGuestVm.create(device, context.memory()), r.pagingWorks());
    }

    public String device() {
        return device;
    }
}
