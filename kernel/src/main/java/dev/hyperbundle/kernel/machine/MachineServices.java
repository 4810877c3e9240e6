package dev.hyperbundle.kernel.machine;

import dev.hyperbundle.chardev.CharBackend;
import dev.hyperbundle.machine.MachineControl;
import java.util.concurrent.Executor;

/** What a machine offers its device slots. */
interface MachineServices {
    /** The machine's name (unique in the framework). */
    String name();

    Platform platform();

    Executor executor();

    MachineControl control();

    void addKernelArgument(String argument);

    /** Opens a character backend (IllegalArgumentException with a one-line reason when it cannot). */
    CharBackend openCharBackend(String spec);
}
