package dev.hyperbundle.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MachineClockTest {
    @Test
    void guestTimeStandsStillWhilePaused() {
        AtomicLong host = new AtomicLong(1_000_000);
        MachineClock clock = MachineClock.following(host::get);
        host.addAndGet(500);
        assertEquals(500, clock.nanos());
        clock.pause();
        host.addAndGet(10_000);
        assertEquals(500, clock.nanos());
        clock.resume();
        host.addAndGet(25);
        assertEquals(525, clock.nanos());
        clock.setNanos(7);
        assertEquals(7, clock.nanos());
    }

    @Test
    void timersFireInDeadlineOrderOnlyWhenDue() {
        MachineClock clock = MachineClock.manual();
        List<String> fired = new ArrayList<>();
        Timer a = clock.createTimer(() -> fired.add("a"));
        Timer b = clock.createTimer(() -> fired.add("b"));
        Timer c = clock.createTimer(() -> fired.add("c"));
        a.armAt(300);
        b.armAt(100);
        c.armAt(200);
        c.cancel();
        assertEquals(100, clock.nextDeadline());
        clock.advance(150);
        clock.runDue();
        assertEquals(List.of("b"), fired);
        assertFalse(b.isArmed());
        assertTrue(a.isArmed());
        clock.advance(1000);
        clock.runDue();
        assertEquals(List.of("b", "a"), fired);
        assertEquals(Long.MAX_VALUE, clock.nextDeadline());
    }

    @Test
    void periodicTimerReArmsFromItsCallback() {
        MachineClock clock = MachineClock.manual();
        AtomicInteger ticks = new AtomicInteger();
        Timer[] t = new Timer[1];
        t[0] = clock.createTimer(() -> {
            ticks.incrementAndGet();
            t[0].armAt(t[0] == null ? 0 : clock.nanos() + 4_000_000 - clock.nanos() % 4_000_000);
        });
        t[0].armAt(4_000_000);
        for (int i = 0; i < 250; i++) {
            clock.advance(4_000_000);
            clock.runDue();
        }
        assertEquals(250, ticks.get(), "250 Hz for one guest second");
    }

    @Test
    void armingTheEarliestTimerWakesTheVcpu() {
        MachineClock clock = MachineClock.manual();
        AtomicInteger wakeups = new AtomicInteger();
        clock.setWakeup(wakeups::incrementAndGet);
        Timer late = clock.createTimer(() -> { });
        Timer early = clock.createTimer(() -> { });
        late.armAt(1000);
        early.armAt(2000);
        assertEquals(1, wakeups.get(), "a later deadline needs no wake-up");
        early.armAt(10);
        assertEquals(2, wakeups.get());
    }
}
