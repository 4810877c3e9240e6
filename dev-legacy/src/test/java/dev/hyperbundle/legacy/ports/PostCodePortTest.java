package dev.hyperbundle.legacy.ports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.testkit.DeviceTestContext;
import org.junit.jupiter.api.Test;

class PostCodePortTest {
    @Test
    void latchesAndReadsBackTheLastCode() throws DeviceConfigException {
        DeviceTestContext ctx = new DeviceTestContext("post");
        PostCodePort p = (PostCodePort) new PostCodePortFactory().create(ctx, DeviceTestContext.config("post-port"));
        assertEquals(0x00, ctx.in(0x80));
        ctx.out(0x80, 0x55);
        assertEquals(0x55, ctx.in(0x80));
        ctx.out(0x80, 0x00); // Linux's outb(0, 0x80) I/O delay
        assertEquals(0x00, ctx.in(0x80));
        ctx.out(0x80, 0xab);
        assertEquals(0xab, p.code());
        assertEquals(0xffab, ctx.in(0x80, 2), "0x81 is not ours");
        p.reset();
        assertEquals(0, ctx.in(0x80));
    }

    @Test
    void stateRoundTrip() throws Exception {
        DeviceTestContext ctx = new DeviceTestContext("post");
        PostCodePort p = (PostCodePort) new PostCodePortFactory().create(ctx, DeviceTestContext.config("post-port"));
        ctx.out(0x80, 0x3c);
        DeviceState saved = p.saveState();
        DeviceTestContext c = new DeviceTestContext("post");
        PostCodePort fresh = (PostCodePort) new PostCodePortFactory().create(c, DeviceTestContext.config("post-port"));
        fresh.restoreState(saved);
        assertArrayEquals(saved.data(), fresh.saveState().data());
        assertEquals(0x3c, c.in(0x80));
        assertThrows(DeviceStateException.class, () -> fresh.restoreState(new DeviceState("debugcon", 1, new byte[0])));
    }

    @Test
    void configurablePort() throws DeviceConfigException {
        DeviceTestContext ctx = new DeviceTestContext("post");
        new PostCodePortFactory().create(ctx, DeviceTestContext.config("post-port", "port", "0x84"));
        ctx.out(0x84, 7);
        assertEquals(7, ctx.in(0x84));
        assertThrows(DeviceConfigException.class,
                () -> new PostCodePortFactory().create(new DeviceTestContext(), DeviceTestContext.config("post-port", "chardev", "x")));
    }
}
