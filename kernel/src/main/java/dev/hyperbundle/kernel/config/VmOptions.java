package dev.hyperbundle.kernel.config;

import java.util.ArrayList;
import java.util.List;

/**
 * What a user asked for on the command line (picocli fills it); every field is optional and overrides
 * the same key of the configuration file. Devices from both are combined, file first.
 */
public final class VmOptions {
    public String configFile;
    public String name;
    public String cpu;
    public String memory;
    public String kernel;
    public String initrd;
    public String append;
    public String serial;
    public Boolean defaults;
    public Boolean reboot;
    public final List<String> devices = new ArrayList<>();
}
