package dev.hyperbundle.legacy.pic;

import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateReader;
import dev.hyperbundle.device.StateWriter;

/**
 * One Intel 8259A programmable interrupt controller: the IRR/ISR/IMR registers, the initialization
 * sequence (ICW1-ICW4), the operation command words (OCW1-OCW3) and priority resolution. The pair
 * (cascade, INTR, INTA) lives in {@link DualPic}.
 */
final class Pic8259 {
    /** Nothing requests service (also: the priority of an empty register). */
    static final int NONE = -1;

    private final boolean master;
    /** Bits of ELCR that may be set: master IRQ 0-2 and slave IRQ 8 and 13 are always edge (PIIX ELCR). */
    private final int elcrWritable;

    // Input pin levels, as the interrupt lines last reported them.
    private int lines;
    private int irr;
    private int imr;
    private int isr;
    /** The IR level that has the highest priority is (lowestPriority + 1) & 7 (OCW2 rotation). */
    private int lowestPriority = 7;
    private int vectorBase;
    private int icw3;
    /** 0: operational, 1-3: expecting ICW2, ICW3, ICW4. */
    private int initStep;
    private boolean icw4Needed;
    private boolean singleMode;
    private boolean levelTriggeredAll; // ICW1 LTIM
    private boolean autoEoi;
    private boolean rotateOnAutoEoi;
    private boolean specialFullyNested;
    private boolean specialMask;
    private boolean readIsr;
    private boolean pollPending;
    private int elcr;

    Pic8259(boolean master) {
        this.master = master;
        this.elcrWritable = master ? 0xf8 : 0xde;
    }

    /**
     * Power-on state. No BIOS runs before the kernel, so the chip starts as a PC BIOS leaves it:
     * initialized for cascade in 8086 mode (vectors 0x08 / 0x70) with every input masked but the
     * cascade, so nothing is delivered before the guest programs it.
     */
    void powerOn(int elcrValue) {
        irr = 0;
        isr = 0;
        lowestPriority = 7;
        vectorBase = master ? 0x08 : 0x70;
        icw3 = master ? 0x04 : 0x02;
        imr = master ? 0xfb : 0xff;
        initStep = 0;
        icw4Needed = true;
        singleMode = false;
        levelTriggeredAll = false;
        autoEoi = false;
        rotateOnAutoEoi = false;
        specialFullyNested = false;
        specialMask = false;
        readIsr = false;
        pollPending = false;
        elcr = elcrValue & elcrWritable;
        irr = lines & levelMask();
    }

    boolean isMaster() {
        return master;
    }

    // ---- input pins ----

    private int levelMask() {
        return levelTriggeredAll ? 0xff : elcr;
    }

    /**
     * The level of input pin ir changed. Edge-triggered inputs latch a rising edge in IRR until it is
     * acknowledged (so a short pulse is not lost); level-triggered inputs follow the pin.
     */
    void setInput(int ir, boolean high) {
        int bit = 1 << ir;
        boolean wasHigh = (lines & bit) != 0;
        lines = high ? lines | bit : lines & ~bit;
        if ((levelMask() & bit) != 0) {
            irr = high ? irr | bit : irr & ~bit;
        } else if (high && !wasHigh) {
            irr |= bit;
        }
    }

    // ---- priority resolution ----

    /** 0 is the highest priority position, 7 the lowest, 8 when mask is empty. */
    private int priorityOf(int mask) {
        if (mask == 0) {
            return 8;
        }
        int p = 0;
        while ((mask & (1 << ((p + lowestPriority + 1) & 7))) == 0) {
            p++;
        }
        return p;
    }

    /** The IR level this chip would present to the CPU now, or {@link #NONE}. */
    int pendingRequest() {
        int requests = irr & ~imr;
        int p = priorityOf(requests);
        if (p == 8) {
            return NONE;
        }
        int inService = isr;
        if (specialMask) {
            // 8259A "Special Mask Mode": a masked level does not inhibit other levels.
            inService &= ~imr;
        }
        if (master && specialFullyNested) {
            // 8259A "Special Fully Nested Mode": a slave in service does not block further slave requests.
            inService &= ~icw3;
        }
        if (p < priorityOf(inService)) {
            return (p + lowestPriority + 1) & 7;
        }
        return NONE;
    }

    /** The INTA cycle for level ir: ISR set (unless auto-EOI), an edge request consumed. */
    void acknowledge(int ir) {
        int bit = 1 << ir;
        if ((levelMask() & bit) == 0) {
            irr &= ~bit;
        }
        if (autoEoi) {
            if (rotateOnAutoEoi) {
                lowestPriority = ir;
            }
        } else {
            isr |= bit;
        }
    }

    int vector(int ir) {
        return (vectorBase + ir) & 0xff;
    }

    /** True when IR2 of this master has a slave behind it (ICW1 SNGL = 0 and ICW3 bit 2). */
    boolean cascadeOn(int ir) {
        return master && !singleMode && (icw3 & (1 << ir)) != 0;
    }

    // ---- register access ----

    int read(int a0) {
        if (pollPending) {
            // 8259A "The Poll Command": the read is the INTA; bit 7 says whether a request was found.
            pollPending = false;
            int ir = pendingRequest();
            if (ir == NONE) {
                return 0;
            }
            acknowledge(ir);
            return 0x80 | ir;
        }
        if (a0 == 0) {
            return readIsr ? isr : irr;
        }
        return imr;
    }

    void write(int a0, int value) {
        value &= 0xff;
        if (a0 == 0) {
            if ((value & 0x10) != 0) {
                icw1(value);
            } else if ((value & 0x08) != 0) {
                ocw3(value);
            } else {
                ocw2(value);
            }
        } else {
            switch (initStep) {
                case 1 -> {
                    vectorBase = value & 0xf8; // ICW2: T7-T3 in 8086 mode
                    initStep = singleMode ? (icw4Needed ? 3 : 0) : 2;
                }
                case 2 -> {
                    icw3 = value;
                    initStep = icw4Needed ? 3 : 0;
                }
                case 3 -> {
                    icw4(value);
                    initStep = 0;
                }
                default -> imr = value; // OCW1
            }
        }
    }

    /** 8259A "Initialization Command Words", ICW1 effects a-f. */
    private void icw1(int value) {
        icw4Needed = (value & 0x01) != 0;
        singleMode = (value & 0x02) != 0;
        levelTriggeredAll = (value & 0x08) != 0;
        initStep = 1;
        imr = 0;
        isr = 0;
        lowestPriority = 7;
        specialMask = false;
        readIsr = false;
        pollPending = false;
        specialFullyNested = false;
        autoEoi = false;
        rotateOnAutoEoi = false;
        // The edge sense circuit is reset: an edge input must go low and high again to be requested.
        irr = lines & levelMask();
    }

    private void icw4(int value) {
        // bit 0 uPM (8086 vs 8080: vectors are always 8086 style here), bits 2-3 buffered mode (no effect).
        autoEoi = (value & 0x02) != 0;
        specialFullyNested = (value & 0x10) != 0;
    }

    private void ocw2(int value) {
        int level = value & 7;
        switch (value >> 5) {
            case 0 -> rotateOnAutoEoi = false;
            case 4 -> rotateOnAutoEoi = true;
            case 1, 5 -> { // non-specific EOI, optionally rotating
                int p = priorityOf(isr);
                if (p != 8) {
                    int ir = (p + lowestPriority + 1) & 7;
                    isr &= ~(1 << ir);
                    if ((value >> 5) == 5) {
                        lowestPriority = ir;
                    }
                }
            }
            case 3 -> isr &= ~(1 << level); // specific EOI
            case 7 -> { // rotate on specific EOI
                isr &= ~(1 << level);
                lowestPriority = level;
            }
            case 6 -> lowestPriority = level; // set priority: level becomes the lowest
            default -> { } // 010: no operation
        }
    }

    private void ocw3(int value) {
        if ((value & 0x40) != 0) {
            specialMask = (value & 0x20) != 0;
        }
        if ((value & 0x04) != 0) {
            pollPending = true;
        }
        if ((value & 0x02) != 0) {
            readIsr = (value & 0x01) != 0;
        }
    }

    // ---- ELCR ----

    int elcr() {
        return elcr;
    }

    void setElcr(int value) {
        elcr = value & elcrWritable;
        // A level input now follows its pin; an edge input keeps what it latched.
        irr = (irr & ~levelMask()) | (lines & levelMask());
    }

    int lines() {
        return lines;
    }

    // ---- state ----

    void save(StateWriter w) {
        w.putInt(lines).putInt(irr).putInt(imr).putInt(isr).putInt(lowestPriority).putInt(vectorBase)
                .putInt(icw3).putInt(initStep).putBoolean(icw4Needed).putBoolean(singleMode)
                .putBoolean(levelTriggeredAll).putBoolean(autoEoi).putBoolean(rotateOnAutoEoi)
                .putBoolean(specialFullyNested).putBoolean(specialMask).putBoolean(readIsr)
                .putBoolean(pollPending).putInt(elcr);
    }

    void restore(StateReader r) throws DeviceStateException {
        lines = r.getInt() & 0xff;
        irr = r.getInt() & 0xff;
        imr = r.getInt() & 0xff;
        isr = r.getInt() & 0xff;
        lowestPriority = r.getInt() & 7;
        vectorBase = r.getInt() & 0xf8;
        icw3 = r.getInt() & 0xff;
        initStep = r.getInt();
        if (initStep < 0 || initStep > 3) {
            throw new DeviceStateException("8259A state has initialization step " + initStep);
        }
        icw4Needed = r.getBoolean();
        singleMode = r.getBoolean();
        levelTriggeredAll = r.getBoolean();
        autoEoi = r.getBoolean();
        rotateOnAutoEoi = r.getBoolean();
        specialFullyNested = r.getBoolean();
        specialMask = r.getBoolean();
        readIsr = r.getBoolean();
        pollPending = r.getBoolean();
        elcr = r.getInt() & elcrWritable;
    }
}
