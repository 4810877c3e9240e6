package dev.hyperbundle.legacy.i8042;

import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateReader;
import dev.hyperbundle.device.StateWriter;
import java.util.ArrayDeque;

/**
 * A PS/2 MF2 keyboard (IBM PS/2 technical reference, keyboard and auxiliary device, "commands from the
 * system"): it answers host commands and queues scan codes in its 16-byte buffer. Commands complete at
 * once (the basic assurance test too).
 */
final class Ps2Keyboard {
    static final int ACK = 0xfa, RESEND = 0xfe, BAT_OK = 0xaa, ECHO = 0xee, OVERRUN = 0x00;
    static final int QUEUE_LIMIT = 16;
    /** Room for answers on top of a full key buffer; a guest that never reads cannot grow it further. */
    static final int RESPONSE_LIMIT = 2 * QUEUE_LIMIT;
    private static final int DEFAULT_TYPEMATIC = 0x2b; // 10.9 cps, 500 ms delay

    private final ArrayDeque<Integer> queue = new ArrayDeque<>();
    private boolean scanning = true;
    private int scancodeSet = 2;
    private int leds;
    private int typematic = DEFAULT_TYPEMATIC;
    private int awaiting; // the command whose parameter byte comes next, or 0
    private int lastSent = ACK;

    boolean hasOutput() {
        return !queue.isEmpty();
    }

    int next() {
        int b = queue.remove();
        lastSent = b;
        return b;
    }

    int leds() {
        return leds;
    }

    int scancodeSet() {
        return scancodeSet;
    }

    boolean scanning() {
        return scanning;
    }

    /** Key bytes from the user; dropped while scanning is off, an overrun code when the buffer is full. */
    void keyBytes(int... bytes) {
        if (!scanning) {
            return;
        }
        for (int b : bytes) {
            if (queue.size() < QUEUE_LIMIT - 1) {
                queue.add(b & 0xff);
            } else if (queue.size() == QUEUE_LIMIT - 1) {
                queue.add(OVERRUN); // buffer overrun code (set 2/3: 0x00)
            }
        }
    }

    /** A byte from the host (written to port 0x60). */
    void write(int b) {
        if (awaiting != 0) {
            int command = awaiting;
            awaiting = 0;
            if (parameter(command, b)) {
                return;
            }
            // A command byte where a parameter belonged: the keyboard takes it as a new command.
        }
        command(b);
    }

    private boolean parameter(int command, int b) {
        switch (command) {
            case 0xed -> {
                if (b >= 0xed) {
                    return false;
                }
                leds = b & 7;
                respond(ACK);
            }
            case 0xf3 -> {
                if (b >= 0x80) {
                    return false;
                }
                typematic = b;
                respond(ACK);
            }
            case 0xf0 -> {
                if (b == 0) {
                    respond(ACK, scancodeSet);
                } else if (b <= 3) {
                    scancodeSet = b;
                    respond(ACK);
                } else {
                    respond(RESEND);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void command(int b) {
        switch (b) {
            case 0xff -> { // reset: acknowledge, then the basic assurance test passes
                defaults();
                queue.clear();
                scanning = true;
                respond(ACK, BAT_OK);
            }
            case 0xfe -> respond(lastSent);
            case 0xf6 -> { // set default
                defaults();
                queue.clear();
                respond(ACK);
            }
            case 0xf5 -> { // default disable: defaults, stop scanning
                defaults();
                queue.clear();
                scanning = false;
                respond(ACK);
            }
            case 0xf4 -> { // enable: clear the buffer, start scanning
                queue.clear();
                scanning = true;
                respond(ACK);
            }
            case 0xf2 -> respond(ACK, 0xab, 0x83); // MF2 keyboard id
            case 0xee -> respond(ECHO);
            case 0xed, 0xf3, 0xf0 -> {
                awaiting = b;
                respond(ACK);
            }
            case 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd -> respond(ACK); // set 3 key types: accepted
            default -> respond(RESEND);
        }
    }

    private void defaults() {
        typematic = DEFAULT_TYPEMATIC;
        scancodeSet = 2;
        leds = 0;
        awaiting = 0;
    }

    private void respond(int... bytes) {
        for (int b : bytes) {
            if (queue.size() < RESPONSE_LIMIT) {
                queue.add(b & 0xff);
            }
        }
    }

    void reset() {
        defaults();
        queue.clear();
        scanning = true;
        lastSent = ACK;
    }

    void save(StateWriter w) {
        byte[] q = new byte[queue.size()];
        int i = 0;
        for (int b : queue) {
            q[i++] = (byte) b;
        }
        w.putBytes(q).putBoolean(scanning).putInt(scancodeSet).putInt(leds).putInt(typematic).putInt(awaiting)
                .putInt(lastSent);
    }

    void restore(StateReader r) throws DeviceStateException {
        byte[] q = r.getBytes();
        if (q.length > RESPONSE_LIMIT) {
            throw new DeviceStateException("i8042 keyboard state holds " + q.length + " queued bytes");
        }
        queue.clear();
        for (byte b : q) {
            queue.add(b & 0xff);
        }
        scanning = r.getBoolean();
        scancodeSet = r.getInt();
        leds = r.getInt();
        typematic = r.getInt();
        awaiting = r.getInt();
        lastSent = r.getInt();
    }
}
