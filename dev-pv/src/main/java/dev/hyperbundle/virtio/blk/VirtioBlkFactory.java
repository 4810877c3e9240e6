package dev.hyperbundle.virtio.blk;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.device.DeviceFactory;
import dev.hyperbundle.virtio.transport.VirtioTransports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Component;

/** "virtio-blk": file=IMAGE (raw, required), readonly=true|false, serial=..., transport=pci|mmio. */
@Component(service = DeviceFactory.class)
public final class VirtioBlkFactory implements DeviceFactory {
    public static final String TYPE = "virtio-blk";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "virtio block device over a raw image file (file=, readonly=, serial=, transport=pci|mmio)";
    }

    @Override
    public Device create(DeviceContext context, DeviceConfig config) throws DeviceConfigException {
        config.checkKeys("file", "readonly", "serial", VirtioTransports.TRANSPORT, VirtioTransports.MMIO_VERSION);
        String name = config.requireString("file");
        boolean readOnly = config.bool("readonly", false);
        String serial = config.string("serial", "");
        if (serial.getBytes(StandardCharsets.US_ASCII).length > VirtioBlk.ID_BYTES
                || !StandardCharsets.US_ASCII.newEncoder().canEncode(serial)) {
            throw config.error("serial", "must be at most " + VirtioBlk.ID_BYTES + " ASCII characters");
        }
        Path path = Path.of(name);
        if (!Files.isRegularFile(path)) {
            throw config.error("file", (Files.exists(path) ? "is not a regular file" : "does not exist: " + path.toAbsolutePath())
                    + "; expected a raw disk image (e.g. made with truncate -s 64M FILE)");
        }
        BlockFile file;
        try {
            file = BlockFile.open(path, readOnly);
        } catch (IOException e) {
            throw config.error("file", "cannot be opened" + (readOnly ? "" : " for writing") + ": " + e);
        }
        return VirtioTransports.attach(context, config, new VirtioBlk(file, serial, context.logger(), context.deviceId()));
    }
}
