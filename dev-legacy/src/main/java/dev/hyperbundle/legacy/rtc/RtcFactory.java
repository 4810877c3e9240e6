package dev.hyperbundle.legacy.rtc;

import dev.hyperbundle.device.Device;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.device.DeviceFactory;
import dev.hyperbundle.time.VirtualClock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Component;

/**
 * Device type "rtc": MC146818A RTC and CMOS at 0x70-0x71 on IRQ 8. Parameters: {@code start} (ISO-8601
 * local date-time in UTC, e.g. 2024-01-02T03:04:05; default: the host's time now), {@code clock}
 * ({@code vm}, the default: the RTC runs with guest time and stands still while the machine is paused;
 * {@code host}: it follows the host's wall clock) and {@code memory} (guest RAM in bytes, for the BIOS
 * memory-size bytes; the machine composition passes it).
 */
@Component(service = DeviceFactory.class)
public final class RtcFactory implements DeviceFactory {
    @Override
    public String type() {
        return Mc146818.TYPE;
    }

    @Override
    public String description() {
        return "MC146818A RTC and CMOS at 0x70-0x71 on IRQ 8 (start=ISO time, clock=vm|host, memory=bytes)";
    }

    @Override
    public Device create(DeviceContext context, DeviceConfig config) throws DeviceConfigException {
        config.checkKeys("start", "clock", "memory");
        long memory = config.integer("memory", 0, 0, 1L << 40);
        String clockKind = config.choice("clock", "vm", "vm", "host");
        VirtualClock clock = context.clock();
        LongSupplier source = clockKind.equals("host") ? RtcFactory::hostNanos : clock::nanos;
        long start;
        String startText = config.string("start", null);
        if (startText == null) {
            start = hostNanos();
        } else {
            try {
                start = LocalDateTime.parse(startText).toEpochSecond(ZoneOffset.UTC) * Mc146818.NS;
            } catch (DateTimeParseException e) {
                throw config.error("start", "is not a date-time; expected ISO-8601 like 2024-01-02T03:04:05 (UTC)");
            }
        }
        Mc146818 rtc = new Mc146818(clock, source, context.irq(8), context::createTimer, start, memory);
        context.registerPorts(0x70, 2, rtc.ports());
        return rtc;
    }

    private static long hostNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * Mc146818.NS + now.getNano();
    }
}
