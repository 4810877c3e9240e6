package dev.hyperbundle.legacy.rtc;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * MC146818 time and date registers (seconds 0x00, minutes 0x02, hours 0x04, day of week 0x06, date
 * 0x07, month 0x08, year 0x09, and the PC's century byte 0x32) to and from seconds since the epoch (UTC),
 * in the data mode of register B: BCD or binary, 12-hour (bit 7 of the hour = PM) or 24-hour.
 */
final class RtcCalendar {
    static final int SECONDS = 0x00;
    static final int MINUTES = 0x02;
    static final int HOURS = 0x04;
    static final int WEEKDAY = 0x06;
    static final int DATE = 0x07;
    static final int MONTH = 0x08;
    static final int YEAR = 0x09;
    static final int CENTURY = 0x32;
    static final int[] TIME_REGISTERS = {SECONDS, MINUTES, HOURS, WEEKDAY, DATE, MONTH, YEAR, CENTURY};

    private final boolean binary;
    private final boolean hours24;

    /** @param registerB the data mode bits: DM (bit 2, 1 = binary) and 24/12 (bit 1, 1 = 24-hour) */
    RtcCalendar(int registerB) {
        this.binary = (registerB & 0x04) != 0;
        this.hours24 = (registerB & 0x02) != 0;
    }

    static boolean isTimeRegister(int index) {
        return index <= YEAR && index != 1 && index != 3 && index != 5 || index == CENTURY;
    }

    int encode(int v) {
        return binary ? v & 0xff : (v / 10 % 10) << 4 | v % 10;
    }

    /** Invalid BCD digits are taken at face value: nothing a guest writes may throw. */
    int decode(int v) {
        return binary ? v & 0xff : ((v >> 4) & 15) * 10 + (v & 15);
    }

    int encodeHour(int hour) {
        if (hours24) {
            return encode(hour);
        }
        int h12 = hour % 12 == 0 ? 12 : hour % 12;
        return encode(h12) | (hour >= 12 ? 0x80 : 0);
    }

    int decodeHour(int v) {
        if (hours24) {
            return decode(v);
        }
        return decode(v & 0x7f) % 12 + ((v & 0x80) != 0 ? 12 : 0);
    }

    /** Writes every time register for the given second into cmos. */
    void store(long epochSecond, byte[] cmos) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
        cmos[SECONDS] = (byte) encode(t.getSecond());
        cmos[MINUTES] = (byte) encode(t.getMinute());
        cmos[HOURS] = (byte) encodeHour(t.getHour());
        cmos[WEEKDAY] = (byte) encode(t.getDayOfWeek().getValue() % 7 + 1); // 1 = Sunday
        cmos[DATE] = (byte) encode(t.getDayOfMonth());
        cmos[MONTH] = (byte) encode(t.getMonthValue());
        cmos[YEAR] = (byte) encode(t.getYear() % 100);
        cmos[CENTURY] = (byte) encode(t.getYear() / 100 % 100);
    }

    /** The second the time registers in cmos name; out-of-range fields roll over instead of failing. */
    long load(byte[] cmos) {
        int year = decode(cmos[CENTURY]) * 100 + decode(cmos[YEAR]);
        LocalDate date = LocalDate.of(year, 1, 1).plusMonths(decode(cmos[MONTH]) - 1L).plusDays(decode(cmos[DATE]) - 1L);
        return date.toEpochSecond(java.time.LocalTime.MIDNIGHT, ZoneOffset.UTC) + decodeHour(cmos[HOURS]) * 3600L
                + decode(cmos[MINUTES]) * 60L + decode(cmos[SECONDS]);
    }

    /** Alarm match: each alarm byte equals the time byte, or is a "don't care" value (0xC0-0xFF). */
    static boolean alarmMatches(byte[] time, byte[] cmos) {
        return alarmField(cmos[0x01], time[SECONDS]) && alarmField(cmos[0x03], time[MINUTES])
                && alarmField(cmos[0x05], time[HOURS]);
    }

    private static boolean alarmField(byte alarm, byte value) {
        return (alarm & 0xc0) == 0xc0 || alarm == value;
    }
}
