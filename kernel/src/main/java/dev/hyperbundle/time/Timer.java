package dev.hyperbundle.time;

/** A one-shot timer on the {@link VirtualClock}; re-arm it from its callback for periodic events. */
public interface Timer {
    /** Arms (or re-arms) the timer for an absolute guest time. A deadline in the past fires at once. */
    void armAt(long deadlineNanos);

    void cancel();

    boolean isArmed();

    /** The armed deadline, or Long.MAX_VALUE. */
    long deadline();
}
