package dev.hyperbundle.device;

/**
 * A device's saved state: its type, the format version its writer used, and the bytes (usually written
 * with {@link StateWriter}). A newer device build reads every older version.
 */
public record DeviceState(String type, int version, byte[] data) {
    /** Checks type and version range; returns a reader over the data. */
    public StateReader reader(String expectedType, int maxVersion) throws DeviceStateException {
        if (!type.equals(expectedType)) {
            throw new DeviceStateException("state of a " + type + " device cannot be restored into a " + expectedType);
        }
        if (version < 1 || version > maxVersion) {
            throw new DeviceStateException(expectedType + " state version " + version + " is not supported (this build reads 1-"
                    + maxVersion + ")");
        }
        return new StateReader(data);
    }
}
