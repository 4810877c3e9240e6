package dev.hyperbundle.device;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;

/** Reads what {@link StateWriter} wrote; a truncated or corrupt state gives a {@link DeviceStateException}. */
public final class StateReader {
    /** Arrays in device state are small; a larger length means corrupt data. */
    private static final int MAX_ARRAY = 1 << 26;

    private final DataInputStream in;

    public StateReader(byte[] data) {
        in = new DataInputStream(new ByteArrayInputStream(data));
    }

    public int getInt() throws DeviceStateException {
        try {
            return in.readInt();
        } catch (IOException e) {
            throw new DeviceStateException("device state is truncated", e);
        }
    }

    public long getLong() throws DeviceStateException {
        try {
            return in.readLong();
        } catch (IOException e) {
            throw new DeviceStateException("device state is truncated", e);
        }
    }

    public boolean getBoolean() throws DeviceStateException {
        return getInt() != 0;
    }

    public byte[] getBytes() throws DeviceStateException {
        int n = getInt();
        if (n < 0 || n > MAX_ARRAY) {
            throw new DeviceStateException("device state holds an array of length " + n);
        }
        byte[] b = new byte[n];
        try {
            in.readFully(b);
        } catch (IOException e) {
            throw new DeviceStateException("device state is truncated", e);
        }
        return b;
    }

    public int[] getInts() throws DeviceStateException {
        int n = getInt();
        if (n < 0 || n > MAX_ARRAY) {
            throw new DeviceStateException("device state holds an array of length " + n);
        }
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = getInt();
        }
        return v;
    }

    public String getString() throws DeviceStateException {
        return new String(getBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Bytes not yet read: a newer writer's extra fields. */
    public int remaining() {
        try {
            return in.available();
        } catch (IOException e) {
            return 0;
        }
    }
}
