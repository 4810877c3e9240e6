package dev.hyperbundle.virtio.net.tap;

import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.virtio.net.NetBackend;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Consumer;

/**
 * backend=tap:IFNAME: a Linux TAP interface (IFF_TAP | IFF_NO_PI). A reader thread polls the descriptor
 * and passes frames to the NIC, which hands them to the vCPU thread; sends write on the vCPU thread.
 */
public final class TapBackend implements NetBackend {
    private static final String TUN = "/dev/net/tun";
    private static final int MAX_FRAME = 65536;

    private final String ifname;
    private final System.Logger log;
    private final int fd;
    private volatile boolean running = true;
    private Thread reader;
    private boolean writeErrorLogged;

    private TapBackend(String ifname, System.Logger log, int fd) {
        this.ifname = ifname;
        this.log = log;
        this.fd = fd;
    }

    /** Opens the TAP interface now, so a machine that cannot have it fails to start with the reason. */
    public static TapBackend open(String ifname, System.Logger log) throws DeviceConfigException {
        if (ifname.isEmpty() || ifname.length() >= LinuxTun.IFNAMSIZ || !ifname.matches("[A-Za-z0-9_.\\-]+")) {
            throw new DeviceConfigException("tap interface name '" + ifname + "' must be 1-15 letters, digits, '_', '-' or '.'");
        }
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux") || !LinuxTun.available()) {
            throw new DeviceConfigException("tap:" + ifname + " needs Linux with " + TUN + "; this host is "
                    + System.getProperty("os.name"));
        }
        try {
            LinuxTun.Result open = LinuxTun.open(TUN);
            if (open.failed()) {
                throw new DeviceConfigException("tap:" + ifname + ": cannot open " + TUN + ": " + LinuxTun.strerror(open.errno()));
            }
            int fd = (int) open.value();
            LinuxTun.Result set = LinuxTun.setTap(fd, ifname);
            if (set.failed()) {
                LinuxTun.close(fd);
                throw new DeviceConfigException("tap:" + ifname + ": TUNSETIFF failed: " + LinuxTun.strerror(set.errno())
                        + " (creating a TAP interface needs CAP_NET_ADMIN, or a persistent one owned by this user)");
            }
            return new TapBackend(ifname, log, fd);
        } catch (DeviceConfigException e) {
            throw e;
        } catch (Throwable t) {
            throw new DeviceConfigException("tap:" + ifname + ": native access failed: " + t
                    + " (the JVM needs --enable-native-access)");
        }
    }

    @Override
    public synchronized void start(Consumer<byte[]> receiver) {
        if (reader != null) {
            return;
        }
        reader = Thread.ofPlatform().daemon().name("tap-" + ifname).start(() -> readLoop(receiver));
    }

    private void readLoop(Consumer<byte[]> receiver) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(MAX_FRAME);
            while (running) {
                LinuxTun.Result p = LinuxTun.pollIn(fd, 200);
                if (p.failed()) {
                    if (p.errno() == LinuxTun.EINTR) {
                        continue;
                    }
                    log.log(Level.WARNING, "tap:" + ifname + ": poll failed: " + LinuxTun.strerror(p.errno()));
                    return;
                }
                if (p.value() == 0 || !running) {
                    continue;
                }
                LinuxTun.Result r = LinuxTun.read(fd, buf);
                if (r.failed()) {
                    if (r.errno() == LinuxTun.EINTR || r.errno() == LinuxTun.EAGAIN) {
                        continue;
                    }
                    log.log(Level.WARNING, "tap:" + ifname + ": read failed: " + LinuxTun.strerror(r.errno()));
                    return;
                }
                if (r.value() > 0) {
                    receiver.accept(buf.asSlice(0, r.value()).toArray(ValueLayout.JAVA_BYTE));
                }
            }
        } catch (Throwable t) {
            log.log(Level.WARNING, "tap:" + ifname + ": reader stopped", t);
        }
    }

    @Override
    public void send(byte[] frame) {
        if (!running) {
            return;
        }
        try {
            LinuxTun.Result r = LinuxTun.write(fd, frame);
            if (r.failed() && !writeErrorLogged) {
                writeErrorLogged = true;
                log.log(Level.WARNING, "tap:" + ifname + ": write failed (reported once): " + LinuxTun.strerror(r.errno()));
            }
        } catch (Throwable t) {
            if (!writeErrorLogged) {
                writeErrorLogged = true;
                log.log(Level.WARNING, "tap:" + ifname + ": write failed (reported once)", t);
            }
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            t = reader;
        }
        if (t != null) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LinuxTun.close(fd);
    }
}
