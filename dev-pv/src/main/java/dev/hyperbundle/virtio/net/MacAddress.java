package dev.hyperbundle.virtio.net;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Parses and derives Ethernet addresses. */
public final class MacAddress {
    private MacAddress() {
    }

    /** "52:54:00:12:34:56" (or with dashes) to 6 bytes; null when malformed. */
    public static byte[] parse(String text) {
        String[] parts = text.split("[:-]");
        if (parts.length != 6) {
            return null;
        }
        byte[] mac = new byte[6];
        for (int i = 0; i < 6; i++) {
            if (parts[i].length() != 2) {
                return null;
            }
            try {
                mac[i] = (byte) Integer.parseInt(parts[i], 16);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return mac;
    }

    /** A stable, locally administered unicast address derived from the device id (02:xx:xx:xx:xx:xx). */
    public static byte[] derive(String deviceId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(deviceId.getBytes(StandardCharsets.UTF_8));
            byte[] mac = new byte[6];
            System.arraycopy(h, 0, mac, 1, 5);
            mac[0] = 0x02;
            return mac;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    public static boolean isMulticast(byte[] mac) {
        return (mac[0] & 1) != 0;
    }

    public static String format(byte[] mac) {
        return String.format("%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
    }
}
