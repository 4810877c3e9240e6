package dev.hyperbundle.testkit;

import dev.hyperbundle.bus.BusDevice;
import dev.hyperbundle.irq.InterruptController;
import dev.hyperbundle.irq.InterruptPin;
import dev.hyperbundle.kernel.machine.Platform;
import dev.hyperbundle.time.Timer;
import java.io.ByteArrayOutputStream;

/** The kit machine's devices: console, exit port, interrupt source, MMIO register file. */
final class TestDevices {
    static final int CONSOLE = 0xe9, EXIT = 0xf4, IRQ_VECTOR = 0xf0, IRQ_AFTER = 0xf8;
    static final long MMIO_REGS = 0xfed00000L;

    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    volatile Integer exitCode;
    private final byte[] registers = new byte[16];
    private final InterruptSource source = new InterruptSource();

    TestDevices(Platform p, Runnable onExit) {
        p.ports().register(CONSOLE, 1, new BusDevice() {
            @Override
            public long read(long offset, int size) {
                return 0xe9;
            }

            @Override
            public void write(long offset, int size, long value) {
                console.write((int) value);
            }
        }, "testkit console");
        p.ports().register(EXIT, 4, new BusDevice() {
            @Override
            public long read(long offset, int size) {
                return -1;
            }

            @Override
            public void write(long offset, int size, long value) {
                exitCode = (int) value;
                onExit.run();
            }
        }, "testkit exit");
        p.ports().register(IRQ_VECTOR, 1, source, "testkit interrupt vector");
        p.ports().register(IRQ_AFTER, 4, new BusDevice() {
            @Override
            public long read(long offset, int size) {
                return source.asserted ? 1 : 0;
            }

            @Override
            public void write(long offset, int size, long value) {
                if (offset == 0) {
                    source.after(value & 0xffffffffL);
                }
            }
        }, "testkit interrupt timer");
        p.mmio().register(MMIO_REGS, 16, new BusDevice() {
            @Override
            public long read(long offset, int size) {
                long v = 0;
                for (int i = 0; i < size && offset + i < 16; i++) {
                    v |= (registers[(int) offset + i] & 0xffL) << (8 * i);
                }
                return v;
            }

            @Override
            public void write(long offset, int size, long value) {
                for (int i = 0; i < size && offset + i < 16; i++) {
                    registers[(int) offset + i] = (byte) (value >>> (8 * i));
                }
            }
        }, "testkit registers");
        source.pin = p.interrupts().install(source);
        source.timer = p.clock().createTimer(() -> source.fire());
        source.clock = p.clock();
    }

    /** Port 0xF0 vector, port 0xF8 (32-bit) delay in microseconds; INTR held until acknowledged. */
    private static final class InterruptSource implements BusDevice, InterruptController {
        InterruptPin pin;
        Timer timer;
        dev.hyperbundle.time.VirtualClock clock;
        int vector = 0x20;
        boolean asserted;

        void fire() {
            asserted = true;
            pin.set(true);
        }

        @Override
        public long read(long offset, int size) {
            return vector;
        }

        @Override
        public void write(long offset, int size, long value) {
            vector = (int) value & 0xff;
        }

        void after(long micros) {
            if (micros == 0) {
                fire();
            } else {
                timer.armAt(clock.nanos() + micros * 1000);
            }
        }

        @Override
        public void setIrq(int irq, boolean high) {
        }

        @Override
        public int acknowledge() {
            asserted = false;
            pin.set(false);
            return vector;
        }
    }
}
