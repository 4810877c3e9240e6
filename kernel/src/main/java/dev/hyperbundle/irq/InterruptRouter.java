package dev.hyperbundle.irq;

import java.util.ArrayList;
import java.util.List;

/**
 * A machine's interrupt lines, the controller installed on them, and the CPU side.
 *
 * <p>The router owns the line levels, so they survive the controller being hot-swapped: a newly
 * installed controller hears every line that is high. Shared lines are wired-OR: a line is high while
 * any of its holders holds it high. The router also owns the CPU's INTR pin and calls a wake-up hook
 * (set by the machine: it kicks the vCPU out of HLT or out of a running block) when INTR rises.
 */
public final class InterruptRouter implements CpuInterrupts {
    public static final int LINES = 24;

    private final int[] holders = new int[LINES]; // per line: how many handles hold it high
    private final List<Handle> handles = new java.util.concurrent.CopyOnWriteArrayList<>();
    private InterruptController controller;
    private volatile boolean intr;
    private volatile boolean nmi;
    private volatile Runnable wakeup = () -> { };
    private FpuErrorLogic fpuErrorLogic;
    private boolean ferr;
    private volatile boolean ignne;

    /** Creates a new handle on line n. Each handle contributes its own level. */
    public IrqLine line(int n) {
        if (n < 0 || n >= LINES) {
            throw new IllegalArgumentException("IRQ line " + n + " does not exist (0-" + (LINES - 1) + ")");
        }
        Handle h = new Handle(n);
        handles.add(h);
        return h;
    }

    private final class Handle implements IrqLine {
        private final int number;
        private boolean high;
        private volatile Runnable acknowledgeListener;

        @Override
        public void setAcknowledgeListener(Runnable listener) {
            acknowledgeListener = listener;
        }

        Handle(int number) {
            this.number = number;
        }

        @Override
        public int number() {
            return number;
        }

        @Override
        public void set(boolean level) {
            InterruptController c;
            boolean lineHigh;
            boolean changed;
            synchronized (InterruptRouter.this) {
                if (level == high) {
                    return;
                }
                high = level;
                int before = holders[number];
                holders[number] += level ? 1 : -1;
                changed = (before == 0) != (holders[number] == 0);
                lineHigh = holders[number] > 0;
                c = controller;
            }
            if (changed && c != null) {
                c.setIrq(number, lineHigh);
            }
        }
    }

    /** True when line n is currently high. */
    public synchronized boolean level(int n) {
        return holders[n] > 0;
    }

    /**
     * Installs the machine's interrupt controller, replacing any previous one, and tells it which lines
     * are high now. Returns the INTR pin it drives.
     */
    public InterruptPin install(InterruptController c) {
        List<Integer> high = new ArrayList<>();
        synchronized (this) {
            controller = c;
            for (int i = 0; i < LINES; i++) {
                if (holders[i] > 0) {
                    high.add(i);
                }
            }
        }
        for (int i : high) {
            c.setIrq(i, true);
        }
        return new InterruptPin() {
            @Override
            public void set(boolean asserted) {
                setIntr(c, asserted);
            }

            @Override
            public void acknowledged(int irq) {
                for (Handle h : handles) {
                    Runnable l = h.acknowledgeListener;
                    if (h.number == irq && l != null) {
                        l.run();
                    }
                }
            }
        };
    }

    /** Removes c if it is the installed controller; INTR drops. */
    public void uninstall(InterruptController c) {
        synchronized (this) {
            if (controller != c) {
                return;
            }
            controller = null;
        }
        intr = false;
    }

    private void setIntr(InterruptController from, boolean asserted) {
        synchronized (this) {
            if (controller != from) {
                return; // a removed controller's late call
            }
        }
        boolean rose = asserted && !intr;
        intr = asserted;
        if (rose) {
            wakeup.run();
        }
    }

    /** Latches an NMI (e.g. from a watchdog or a monitor command). */
    public void nmi() {
        nmi = true;
        wakeup.run();
    }

    /** Set by the machine: called whenever INTR rises or an NMI arrives. */
    public void setWakeup(Runnable wakeup) {
        this.wakeup = wakeup;
    }

    @Override
    public boolean intrAsserted() {
        return intr;
    }

    @Override
    public int acknowledge() {
        InterruptController c;
        synchronized (this) {
            c = controller;
        }
        // No controller: the data bus floats, the CPU reads 0xFF as the vector.
        return c == null ? 0xff : c.acknowledge() & 0xff;
    }

    @Override
    public boolean nmiPending() {
        return nmi;
    }

    @Override
    public void acknowledgeNmi() {
        nmi = false;
    }

    /**
     * Installs the machine's coprocessor-error logic, replacing any previous one; it hears every later change of
     * FERR# (a hot-swapped replacement learns the level from its predecessor's saved state, so no edge is made up).
     * Returns the IGNNE# pin it drives.
     */
    public FpuErrorLogic.IgnnePin install(FpuErrorLogic logic) {
        synchronized (this) {
            fpuErrorLogic = logic;
        }
        return level -> {
            synchronized (this) {
                if (fpuErrorLogic != logic) {
                    return; // a removed logic's late call
                }
            }
            ignne = level;
        };
    }

    /** Removes logic if it is the installed one; IGNNE# drops. */
    public void uninstall(FpuErrorLogic logic) {
        synchronized (this) {
            if (fpuErrorLogic != logic) {
                return;
            }
            fpuErrorLogic = null;
        }
        ignne = false;
    }

    @Override
    public void setFerr(boolean asserted) {
        FpuErrorLogic l;
        synchronized (this) {
            if (ferr == asserted) {
                return;
            }
            ferr = asserted;
            l = fpuErrorLogic;
        }
        if (l != null) {
            l.ferr(asserted);
        }
    }

    @Override
    public boolean ignne() {
        return ignne;
    }
}
