package dev.hyperbundle.legacy.ports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.testkit.DeviceTestContext;
import dev.hyperbundle.testkit.MemoryCharBackend;
import org.junit.jupiter.api.Test;

class DebugConsolePortTest {
    @Test
    void bytesGoToTheChardevAndReadsReturnE9() throws DeviceConfigException {
        DeviceTestContext ctx = new DeviceTestContext("debugcon");
        MemoryCharBackend nul = new MemoryCharBackend();
        ctx.charBackends.put("null", nul);
        new DebugConsolePortFactory().create(ctx, DeviceTestContext.config("debugcon"));
        for (char c : "boot ok\n".toCharArray()) {
            ctx.out(0xe9, c);
        }
        assertEquals("boot ok\n", nul.output(), "default chardev is null");
        assertEquals(0xe9, ctx.in(0xe9));
        assertEquals(8, nul.flushes());
    }

    @Test
    void chardevParameter() throws DeviceConfigException {
        DeviceTestContext ctx = new DeviceTestContext("debugcon");
        MemoryCharBackend file = new MemoryCharBackend();
        ctx.charBackends.put("file:/tmp/e9.log", file);
        new DebugConsolePortFactory().create(ctx, DeviceTestContext.config("debugcon", "chardev", "file:/tmp/e9.log"));
        ctx.out(0xe9, 2, 0x4948); // a word write: the bus splits it, 0xEA is not ours
        assertEquals("H", file.output());
        assertThrows(DeviceConfigException.class, () -> new DebugConsolePortFactory().create(new DeviceTestContext(),
                DeviceTestContext.config("debugcon", "chardev", "tcp:1")));
    }

    @Test
    void stateRoundTrip() throws Exception {
        DeviceTestContext ctx = new DeviceTestContext("debugcon");
        MemoryCharBackend nul = new MemoryCharBackend();
        ctx.charBackends.put("null", nul);
        DebugConsolePort d = (DebugConsolePort) new DebugConsolePortFactory().create(ctx, DeviceTestContext.config("debugcon"));
        DeviceState saved = d.saveState();
        DeviceTestContext c = new DeviceTestContext("debugcon");
        c.charBackends.put("null", nul);
        DebugConsolePort fresh = (DebugConsolePort) new DebugConsolePortFactory().create(c, DeviceTestContext.config("debugcon"));
        fresh.restoreState(saved);
        assertArrayEquals(saved.data(), fresh.saveState().data());
        c.out(0xe9, 'x');
        assertEquals("x", nul.output());
        assertEquals(0xe9, c.in(0xe9));
        assertThrows(DeviceStateException.class, () -> fresh.restoreState(new DeviceState("post-port", 1, new byte[0])));
    }
}
