package dev.hyperbundle.device;

/**
 * Creates devices of one type; offered by a device bundle as an OSGi service (e.g. with Declarative
 * Services: {@code @Component(service = DeviceFactory.class)}). The kernel finds every registered
 * factory; a VM's configuration names devices by {@link #type()}.
 *
 * <p>Hot-swap: when the bundle of a factory in use goes away (stopped or updated), the machine pauses,
 * saves each of its devices' state, closes them, and waits for a factory of the same type. When one
 * arrives it calls {@link #create} with the same context and configuration, then
 * {@link Device#restoreState}, and resumes. So {@code create} must not change guest-visible state beyond
 * registering the device, and a newer build must read every state version an older one wrote.
 */
public interface DeviceFactory {
    /** The type name used in configs: "uart16550", "virtio-blk", ... */
    String type();

    /** One line for {@code hyperbundle devices} and the shell. */
    String description();

    /**
     * Creates a device and attaches it through the context (ports, MMIO, IRQ lines, PCI slot).
     *
     * @throws DeviceConfigException when the configuration is wrong (the message names the key and what
     *                               is expected; {@link DeviceConfig} helpers build such messages)
     */
    Device create(DeviceContext context, DeviceConfig config) throws DeviceConfigException;
}
