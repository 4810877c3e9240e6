package dev.hyperbundle.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InterruptRouterTest {
    static final class Controller implements InterruptController {
        final List<String> events = new ArrayList<>();
        InterruptPin pin;

        @Override
        public void setIrq(int irq, boolean high) {
            events.add(irq + (high ? "+" : "-"));
        }

        @Override
        public int acknowledge() {
            return 0x30;
        }
    }

    @Test
    void sharedLinesAreWiredOr() {
        InterruptRouter router = new InterruptRouter();
        Controller c = new Controller();
        router.install(c);
        IrqLine a = router.line(10);
        IrqLine b = router.line(10);
        a.raise();
        b.raise();
        a.lower();
        assertTrue(router.level(10));
        b.lower();
        assertFalse(router.level(10));
        assertEquals(List.of("10+", "10-"), c.events);
    }

    @Test
    void aNewControllerHearsLinesThatAreHigh() {
        InterruptRouter router = new InterruptRouter();
        router.line(4).raise();
        router.line(0).pulse();
        Controller c = new Controller();
        router.install(c);
        assertEquals(List.of("4+"), c.events);
    }

    @Test
    void intrRisingWakesTheCpuAndStalePinsAreIgnored() {
        InterruptRouter router = new InterruptRouter();
        AtomicInteger wakeups = new AtomicInteger();
        router.setWakeup(wakeups::incrementAndGet);
        Controller old = new Controller();
        InterruptPin oldPin = router.install(old);
        oldPin.set(true);
        oldPin.set(true);
        assertTrue(router.intrAsserted());
        assertEquals(1, wakeups.get());
        assertEquals(0x30, router.acknowledge());
        Controller replacement = new Controller();
        InterruptPin pin = router.install(replacement);
        oldPin.set(false); // the replaced controller's late call changes nothing
        assertTrue(router.intrAsserted());
        pin.set(false);
        assertFalse(router.intrAsserted());
        router.uninstall(replacement);
        assertEquals(0xff, router.acknowledge(), "no controller: the bus floats");
    }

    @Test
    void acknowledgementsReachTheLinesListener() {
        InterruptRouter router = new InterruptRouter();
        InterruptPin pin = router.install(new Controller());
        IrqLine timer = router.line(0);
        IrqLine other = router.line(1);
        List<String> heard = new ArrayList<>();
        timer.setAcknowledgeListener(() -> heard.add("irq0"));
        other.setAcknowledgeListener(() -> heard.add("irq1"));
        pin.acknowledged(0);
        timer.setAcknowledgeListener(() -> heard.add("irq0 again")); // replaces, never adds
        pin.acknowledged(0);
        pin.acknowledged(5);
        assertEquals(List.of("irq0", "irq0 again"), heard);
    }

    @Test
    void linesOutsideTheRangeAreRejected() {
        InterruptRouter router = new InterruptRouter();
        assertThrows(IllegalArgumentException.class, () -> router.line(24));
        assertThrows(IllegalArgumentException.class, () -> router.line(-1));
    }

    @Test
    void nmiIsLatchedUntilAcknowledged() {
        InterruptRouter router = new InterruptRouter();
        AtomicInteger wakeups = new AtomicInteger();
        router.setWakeup(wakeups::incrementAndGet);
        router.nmi();
        assertTrue(router.nmiPending());
        router.acknowledgeNmi();
        assertFalse(router.nmiPending());
        assertEquals(1, wakeups.get());
    }

    @Test
    void ferrReachesTheInstalledLogicOnChangesAndItsIgnneReachesTheCpu() {
        InterruptRouter router = new InterruptRouter();
        List<String> heard = new ArrayList<>();
        router.setFerr(true); // no logic yet: the level is kept, nobody hears it
        FpuErrorLogic.IgnnePin pin = router.install(level -> heard.add("a " + level));
        router.setFerr(true);
        router.setFerr(false);
        router.setFerr(false);
        assertEquals(List.of("a false"), heard, "only changes, and no replay on install");
        assertFalse(router.ignne());
        pin.set(true);
        assertTrue(router.ignne());
    }

    @Test
    void aReplacedOrRemovedLogicNoLongerDrivesIgnne() {
        InterruptRouter router = new InterruptRouter();
        List<String> heard = new ArrayList<>();
        FpuErrorLogic first = level -> heard.add("first " + level);
        FpuErrorLogic.IgnnePin firstPin = router.install(first);
        FpuErrorLogic second = level -> heard.add("second " + level);
        FpuErrorLogic.IgnnePin secondPin = router.install(second);
        firstPin.set(true); // a late call of the replaced logic
        assertFalse(router.ignne());
        router.uninstall(first); // not installed any more: nothing happens
        secondPin.set(true);
        assertTrue(router.ignne());
        router.setFerr(true);
        assertEquals(List.of("second true"), heard);
        router.uninstall(second);
        assertFalse(router.ignne(), "removing the logic drops IGNNE#");
        router.setFerr(false);
        assertEquals(List.of("second true"), heard);
    }
}
