package dev.hyperbundle.backend;

/** How a backend runs guest code (VMware, "Understanding Full Virtualization, Paravirtualization, and Hardware Assist"). */
public enum Technique {
    /** Full virtualization: each guest instruction is decoded and executed by an emulated CPU. */
    INTERPRETATION("full virtualization, interpreter"),
    /** Full virtualization: guest code is translated into host code (here: JVM bytecode the JIT compiles). */
    BINARY_TRANSLATION("full virtualization, binary translation"),
    /** Guest code runs on the host CPU's virtualization extensions. */
    HARDWARE_ASSIST("hardware assist");

    private final String description;

    Technique(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
