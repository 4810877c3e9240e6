package dev.hyperbundle.backend;

/**
 * Whether a backend can run guests on this host, and why not when it cannot. A backend that runs with
 * limitations is available and says so in {@code detail} (e.g. "this host's KVM cannot run 32-bit
 * paged guests"). Nothing silently falls back to another backend.
 */
public record Availability(boolean available, String detail) {
    public static Availability yes() {
        return new Availability(true, "");
    }

    public static Availability yes(String limitation) {
        return new Availability(true, limitation);
    }

    public static Availability no(String reason) {
        return new Availability(false, reason);
    }

    @Override
    public String toString() {
        if (available) {
            return detail.isEmpty() ? "available" : "available; " + detail;
        }
        return "unavailable: " + detail;
    }
}
