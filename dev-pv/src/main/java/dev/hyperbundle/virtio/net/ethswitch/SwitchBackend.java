package dev.hyperbundle.virtio.net.ethswitch;

import dev.hyperbundle.virtio.net.NetBackend;
import java.util.function.Consumer;

/** backend=switch:NAME: a port on the in-process {@link EthernetSwitch} of that name. */
public final class SwitchBackend implements NetBackend {
    private final String switchName;
    private final String owner;
    private final byte[] mac;
    private volatile EthernetSwitch.Port port;

    public SwitchBackend(String switchName, String owner, byte[] mac) {
        this.switchName = switchName;
        this.owner = owner;
        this.mac = mac.clone();
    }

    @Override
    public void start(Consumer<byte[]> receiver) {
        if (port == null) {
            port = EthernetSwitch.connect(switchName, owner, mac, receiver);
        }
    }

    @Override
    public void send(byte[] frame) {
        EthernetSwitch.Port p = port;
        if (p != null) {
            p.send(frame);
        }
    }

    @Override
    public void close() {
        EthernetSwitch.Port p = port;
        port = null;
        if (p != null) {
            p.close();
        }
    }
}
