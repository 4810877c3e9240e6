package dev.hyperbundle.virtio.net.ethswitch;

import dev.hyperbundle.virtio.net.MacAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An in-process learning Ethernet switch joining the virtio-net NICs of every machine in this JVM that
 * name it (backend=switch:NAME). It learns source addresses per port, forwards known unicast to one
 * port and floods broadcast, multicast and unknown destinations to all others. Each port's receiver
 * hands the frame to its own machine's executor.
 */
public final class EthernetSwitch {
    private static final System.Logger LOG = System.getLogger(EthernetSwitch.class.getName());
    private static final Map<String, EthernetSwitch> SWITCHES = new HashMap<>();
    private static final int MAX_TABLE = 4096;

    private final String name;
    private final List<Port> ports = new ArrayList<>();
    private final Map<Long, Port> table = new HashMap<>();

    private EthernetSwitch(String name) {
        this.name = name;
    }

    /** A port on a switch. */
    public final class Port implements AutoCloseable {
        private final String owner;
        private final Consumer<byte[]> receiver;

        private Port(String owner, Consumer<byte[]> receiver) {
            this.owner = owner;
            this.receiver = receiver;
        }

        public void send(byte[] frame) {
            forward(this, frame);
        }

        @Override
        public void close() {
            disconnect(this);
        }

        @Override
        public String toString() {
            return name + "/" + owner;
        }
    }

    /** Connects to the switch of that name, creating it on first use. */
    public static Port connect(String switchName, String owner, byte[] mac, Consumer<byte[]> receiver) {
        EthernetSwitch s;
        synchronized (SWITCHES) {
            s = SWITCHES.computeIfAbsent(switchName, EthernetSwitch::new);
        }
        return s.add(owner, mac, receiver);
    }

    /** The switches that exist now (for diagnostics and tests). */
    public static List<String> names() {
        synchronized (SWITCHES) {
            return List.copyOf(SWITCHES.keySet());
        }
    }

    private synchronized Port add(String owner, byte[] mac, Consumer<byte[]> receiver) {
        Port p = new Port(owner, receiver);
        Port other = table.get(key(mac, 0));
        if (other != null) {
            LOG.log(System.Logger.Level.WARNING, () -> "switch " + name + ": " + owner + " uses MAC " + MacAddress.format(mac)
                    + " like " + other.owner + "; set mac= on one of them");
        }
        ports.add(p);
        return p;
    }

    private void disconnect(Port p) {
        boolean empty;
        synchronized (this) {
            ports.remove(p);
            table.values().removeIf(v -> v == p);
            empty = ports.isEmpty();
        }
        if (empty) {
            synchronized (SWITCHES) {
                synchronized (this) {
                    if (ports.isEmpty() && SWITCHES.get(name) == this) {
                        SWITCHES.remove(name);
                    }
                }
            }
        }
    }

    private static long key(byte[] frame, int offset) {
        long k = 0;
        for (int i = 0; i < 6; i++) {
            k = k << 8 | (frame[offset + i] & 0xff);
        }
        return k;
    }

    private void forward(Port from, byte[] frame) {
        if (frame.length < 14) {
            return;
        }
        List<Port> targets;
        synchronized (this) {
            if (!ports.contains(from)) {
                return;
            }
            boolean sourceUnicast = (frame[6] & 1) == 0;
            if (sourceUnicast && (table.size() < MAX_TABLE || table.containsKey(key(frame, 6)))) {
                table.put(key(frame, 6), from);
            }
            Port to = (frame[0] & 1) == 0 ? table.get(key(frame, 0)) : null;
            if (to != null) {
                targets = to == from ? List.of() : List.of(to);
            } else {
                targets = new ArrayList<>(ports);
                targets.remove(from);
            }
        }
        for (Port t : targets) {
            t.receiver.accept(frame.clone());
        }
    }
}
