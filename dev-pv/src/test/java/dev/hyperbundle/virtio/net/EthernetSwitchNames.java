package dev.hyperbundle.virtio.net;

import dev.hyperbundle.virtio.net.ethswitch.EthernetSwitch;

final class EthernetSwitchNames {
    static boolean exists(String name) {
        return EthernetSwitch.names().contains(name);
    }
}
