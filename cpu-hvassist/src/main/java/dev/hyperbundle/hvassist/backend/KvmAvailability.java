package dev.hyperbundle.hvassist.backend;

import dev.hyperbundle.backend.Availability;
import dev.hyperbundle.hvassist.kvm.KvmCap;
import dev.hyperbundle.hvassist.kvm.KvmIoctl;
import dev.hyperbundle.hvassist.kvm.KvmSystem;
import dev.hyperbundle.hvassist.sys.Errno;
import dev.hyperbundle.hvassist.sys.SysException;

/**
 * Whether the KVM device at a path can run this backend: it exists and opens, answers
 * KVM_GET_API_VERSION with 12, has every {@link KvmCap}, and (one probe VM) whether it runs 32-bit paged
 * guests. The reason is one line a user can act on.
 */
public final class KvmAvailability {
    public static final String NO_PAGING = "this host's KVM cannot run 32-bit paged guests";

    /** The outcome, and whether 32-bit paging works (meaningful only when available). */
    public record Result(Availability availability, boolean pagingWorks) {
    }

    private KvmAvailability() {
    }

    public static Result check(String path) {
        Availability basic = checkDevice(path);
        if (!basic.available()) {
            return new Result(basic, false);
        }
        PagingProbe.Outcome probe = PagingProbe.run(path);
        return switch (probe.kind()) {
            case PAGING_WORKS -> new Result(Availability.yes(), true);
            case SHUTDOWN -> new Result(Availability.yes(NO_PAGING), false);
            case FAILED -> new Result(Availability.no("the KVM probe guest failed on " + path + ": " + probe.detail()), false);
        };
    }

    /** The reason for a failed open of the device. */
    static Availability openFailure(String path, int errno, String message) {
        return switch (errno) {
            case Errno.ENOENT -> Availability.no(path + " does not exist (no KVM on this host)");
            case Errno.EACCES, Errno.EPERM -> Availability.no(path + " is not accessible: " + Errno.describe(errno)
                    + " (the user needs read-write access, usually membership in the kvm group)");
            default -> Availability.no("cannot open " + path + ": " + message);
        };
    }

    /** Everything but the probe VM: device, API version, capabilities. */
    public static Availability checkDevice(String path) {
        KvmSystem kvm;
        try {
            kvm = KvmSystem.open(path);
        } catch (SysException e) {
            return openFailure(path, e.errno(), e.getMessage());
        }
        try (kvm) {
            int version;
            try {
                version = kvm.apiVersion();
            } catch (SysException e) {
                return Availability.no(path + " is not a KVM device: " + e.getMessage());
            }
            if (version != KvmIoctl.API_VERSION) {
                return Availability.no(path + " reports KVM API version " + version + ", this backend needs "
                        + KvmIoctl.API_VERSION);
            }
            for (KvmCap cap : KvmCap.values()) {
                if (kvm.checkExtension(cap) <= 0) {
                    return Availability.no("the KVM at " + path + " lacks " + cap.constantName() + " (" + cap.purpose + ")");
                }
            }
            return Availability.yes();
        } catch (SysException e) {
            return Availability.no("KVM at " + path + ": " + e.getMessage());
        }
    }
}
