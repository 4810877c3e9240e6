package dev.hyperbundle.legacy.pcihost;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceState;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.pci.PciConfigSpace;
import dev.hyperbundle.testkit.DeviceTestContext;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Configuration mechanism #1 (PCI Local Bus Specification 3.0, 3.2.2.3.2) and the 0xCF9 reset register. */
class PciHostBridgeTest {
    DeviceTestContext ctx;
    PciHostBridge bridge;
    PciConfigSpace device3;

    @BeforeEach
    void create() throws DeviceConfigException {
        ctx = new DeviceTestContext("pci-host");
        bridge = (PciHostBridge) new PciHostBridgeFactory().create(ctx, DeviceTestContext.config("pci-host"));
        device3 = new PciConfigSpace(0x1af4, 0x1000, 0x020000, 0, 0x1af4, 1);
        device3.setInterrupt(1, 11);
        ctx.pci.plug(3, device3, "nic");
    }

    static long address(int bus, int dev, int fn, int reg) {
        return 0x80000000L | bus << 16 | dev << 11 | fn << 8 | (reg & 0xfc);
    }

    long read(int dev, int reg, int size) {
        ctx.out(0xcf8, 4, address(0, dev, 0, reg));
        return ctx.in(0xcfc + (reg & 3), size);
    }

    void write(int dev, int reg, int size, long value) {
        ctx.out(0xcf8, 4, address(0, dev, 0, reg));
        ctx.out(0xcfc + (reg & 3), size, value);
    }

    @Test
    void hostBridgeIdentity() {
        assertEquals(0x12378086L, read(0, 0x00, 4));
        assertEquals(0x8086L, read(0, 0x00, 2));
        assertEquals(0x1237L, read(0, 0x02, 2));
        assertEquals(0x0600L, read(0, 0x0a, 2), "class: host bridge");
        assertEquals(0x06000002L, read(0, 0x08, 4), "class 060000, revision 02");
        assertEquals(0x00L, read(0, 0x0e, 1), "header type 0, single function");
        assertEquals(0x02800006L, read(0, 0x04, 4));
        assertEquals(List.of("00.0 pci-host", "03.0 nic"), ctx.pci.describe());
    }

    @Test
    void everyAccessSizeAtTheRightLane() {
        assertEquals(0x10001af4L, read(3, 0x00, 4));
        assertEquals(0xf4L, read(3, 0x00, 1));
        assertEquals(0x1aL, read(3, 0x01, 1));
        assertEquals(0x00L, read(3, 0x02, 1));
        assertEquals(0x10L, read(3, 0x03, 1));
        assertEquals(0x1af4L, read(3, 0x00, 2));
        assertEquals(0x1000L, read(3, 0x02, 2));
        assertEquals(0x010bL, read(3, 0x3c, 2), "interrupt line 11, pin INTA#");
        write(3, 0x3c, 1, 0x05);
        assertEquals(0x0105L, read(3, 0x3c, 2));
        write(3, 0x3c, 2, 0x0109);
        assertEquals(0x0109L, read(3, 0x3c, 2), "interrupt pin is read-only");
        write(3, 0x04, 4, 0xffffffffL);
        assertEquals(0x0407L, read(3, 0x04, 2), "command: only writable bits");
        ctx.out(0xcf8, 4, address(0, 3, 0, 0x3c));
        assertEquals(0x0109L, ctx.in(0xcfc, 2));
        assertEquals(0x01L, ctx.in(0xcfd, 1));
    }

    @Test
    void unalignedAndStraddlingDataAccessesSplitIntoBytes() {
        ctx.out(0xcf8, 4, address(0, 3, 0, 0x00));
        assertEquals(0x001aL, ctx.in(0xcfd, 2));
        assertEquals(0xff10L, ctx.in(0xcff, 2), "the second byte is past CONFIG_DATA: nothing answers");
    }

    @Test
    void configAddressReadsBackMasked() {
        ctx.out(0xcf8, 4, 0xffffffffL);
        assertEquals(0x80fffffcL, ctx.in(0xcf8, 4), "30:24 reserved and 1:0 read 0");
        ctx.out(0xcf8, 4, 0x80000000L);
        assertEquals(0x80000000L, ctx.in(0xcf8, 4));
    }

    @Test
    void disabledConfigCyclesReadAllOnes() {
        ctx.out(0xcf8, 4, 0x00000000L | 3 << 11);
        assertEquals(0xffffffffL, ctx.in(0xcfc, 4));
        assertEquals(0xffffL, ctx.in(0xcfe, 2));
        assertEquals(0xffL, ctx.in(0xcfd, 1));
        ctx.out(0xcfc + 0, 1, 0x00); // dropped
        ctx.out(0xcf8, 4, address(0, 3, 0, 0));
        assertEquals(0x10001af4L, ctx.in(0xcfc, 4));
    }

    @Test
    void absentDevicesBusesAndFunctionsMasterAbort() {
        assertEquals(0xffffffffL, read(7, 0, 4));
        assertEquals(0xffffL, read(7, 0, 2));
        ctx.out(0xcf8, 4, address(1, 0, 0, 0));
        assertEquals(0xffffffffL, ctx.in(0xcfc, 4));
        ctx.out(0xcf8, 4, address(0, 0, 1, 0));
        assertEquals(0xffffffffL, ctx.in(0xcfc, 4));
    }

    @Test
    void linuxDetectsType1AndNotType2() {
        // arch/x86/pci/direct.c pci_check_type1()
        ctx.out(0xcfb, 1, 0x01);
        long tmp = ctx.in(0xcf8, 4);
        ctx.out(0xcf8, 4, 0x80000000L);
        assertEquals(0x80000000L, ctx.in(0xcf8, 4), "byte write at 0xCFB did not touch CONFIG_ADDRESS");
        // pci_sanity_check: a host bridge class or an Intel vendor id among bus 0's functions
        ctx.out(0xcf8, 4, address(0, 0, 0, 0x0a));
        assertEquals(0x0600L, ctx.in(0xcfe, 2));
        ctx.out(0xcf8, 4, tmp);
        // pci_check_type2()
        ctx.out(0xcfb, 1, 0x00);
        ctx.out(0xcf8, 1, 0x00);
        ctx.out(0xcfa, 1, 0x00);
        assertEquals(0xff, ctx.in(0xcf8), "no CSE register");
        assertEquals(0xff, ctx.in(0xcfa), "no forward register");
        assertEquals(tmp, ctx.in(0xcf8, 4), "byte writes never reach CONFIG_ADDRESS");
    }

    @Test
    void resetControlRegister() {
        // arch/x86/kernel/reboot.c, BOOT_CF9_FORCE: hard reset request, then hard reset
        int cf9 = ctx.in(0xcf9) & ~0x0e;
        assertEquals(0, cf9);
        ctx.out(0xcf9, cf9 | 0x02);
        assertTrue(ctx.resetRequests.isEmpty());
        assertEquals(0x02, ctx.in(0xcf9));
        ctx.out(0xcf9, cf9 | 0x0e);
        assertEquals(List.of("port 0xcf9 hard reset"), ctx.resetRequests);
        assertEquals(0x0a, ctx.in(0xcf9), "reset CPU bit reads 0");
        ctx.out(0xcf9, 0x04);
        assertEquals(2, ctx.resetRequests.size());
        assertEquals("port 0xcf9 soft reset", ctx.resetRequests.get(1));
    }

    @Test
    void cf9WordAccessReachesResetControlOnly() {
        ctx.out(0xcf8, 4, 0x80000000L);
        ctx.out(0xcf8, 2, 0x0600);
        assertEquals(1, ctx.resetRequests.size());
        assertEquals(0x80000000L, ctx.in(0xcf8, 4));
        assertEquals(0x02ffL, ctx.in(0xcf8, 2));
    }

    @Test
    void chipsetRegistersKeepWhatIsWritten() {
        write(0, 0x59, 1, 0x30);
        assertEquals(0x30L, read(0, 0x59, 1));
        write(0, 0x00, 4, 0);
        assertEquals(0x12378086L, read(0, 0x00, 4), "ids read-only");
    }

    @Test
    void guestAccessesNeverThrow() {
        Random r = new Random(440);
        for (int i = 0; i < 20000; i++) {
            int port = 0xcf8 + r.nextInt(8);
            int size = 1 << r.nextInt(3);
            if (r.nextBoolean()) {
                long v = r.nextLong() & ((1L << (8 * size)) - 1);
                if (port == 0xcf9 || (port == 0xcf8 && size > 1)) {
                    v &= ~0x0400L;
                }
                ctx.out(port, size, v);
            } else {
                ctx.in(port, size);
            }
        }
    }

    @Test
    void stateRoundTrip() throws Exception {
        write(0, 0x5a, 1, 0x11);
        ctx.out(0xcf9, 0x02);
        ctx.out(0xcf8, 4, address(0, 3, 0, 0x3c));
        DeviceState saved = bridge.saveState();
        bridge.close();
        assertEquals(List.of("03.0 nic"), ctx.pci.describe(), "slot 0 released");

        DeviceTestContext c = new DeviceTestContext("pci-host");
        PciHostBridge fresh = (PciHostBridge) new PciHostBridgeFactory().create(c, DeviceTestContext.config("pci-host"));
        c.pci.plug(3, device3, "nic");
        fresh.restoreState(saved);
        assertArrayEquals(saved.data(), fresh.saveState().data());
        assertEquals(0x0bL, c.in(0xcfc, 1), "CONFIG_ADDRESS survived: reads device 3's interrupt line");
        assertEquals(0x02, c.in(0xcf9));
        c.out(0xcf8, 4, address(0, 0, 0, 0x58));
        assertEquals(0x11L, c.in(0xcfe, 1));
    }

    @Test
    void restoreRejectsForeignState() {
        assertThrows(DeviceStateException.class, () -> bridge.restoreState(new DeviceState("i8042", 1, new byte[0])));
        assertThrows(DeviceStateException.class,
                () -> bridge.restoreState(new DeviceState(PciHostBridge.TYPE, 1, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0})));
    }

    @Test
    void secondHostBridgeIsAConfigurationError() {
        DeviceTestContext c = new DeviceTestContext("pci-host");
        c.pci.plug(0, device3, "someone");
        assertThrows(DeviceConfigException.class, () -> new PciHostBridgeFactory().create(c, DeviceTestContext.config("pci-host")));
    }

    @Test
    void resetClearsAddressAndChipsetRegisters() {
        write(0, 0x59, 1, 0x30);
        ctx.out(0xcf9, 0x02);
        bridge.reset();
        assertEquals(0L, ctx.in(0xcf8, 4));
        assertEquals(0, ctx.in(0xcf9));
        assertEquals(0x00L, read(0, 0x59, 1));
    }
}
