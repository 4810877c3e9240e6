package dev.hyperbundle.device;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Writes device state fields in order (big-endian, length-prefixed arrays and strings). */
public final class StateWriter {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(bytes);

    public StateWriter putInt(int v) {
        try {
            out.writeInt(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StateWriter putLong(long v) {
        try {
            out.writeLong(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StateWriter putBoolean(boolean v) {
        return putInt(v ? 1 : 0);
    }

    public StateWriter putBytes(byte[] v) {
        putInt(v.length);
        try {
            out.write(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public StateWriter putInts(int[] v) {
        putInt(v.length);
        for (int x : v) {
            putInt(x);
        }
        return this;
    }

    public StateWriter putString(String v) {
        return putBytes(v.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public DeviceState toState(String type, int version) {
        return new DeviceState(type, version, bytes.toByteArray());
    }
}
