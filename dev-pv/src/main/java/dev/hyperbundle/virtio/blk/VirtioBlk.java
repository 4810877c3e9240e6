package dev.hyperbundle.virtio.blk;

import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateReader;
import dev.hyperbundle.device.StateWriter;
import dev.hyperbundle.virtio.core.VirtioDeviceModel;
import dev.hyperbundle.virtio.core.VirtioDeviceType;
import dev.hyperbundle.virtio.core.VirtioFeatures;
import dev.hyperbundle.virtio.core.VirtioLink;
import dev.hyperbundle.virtio.queue.BufferSegment;
import dev.hyperbundle.virtio.queue.ChainReader;
import dev.hyperbundle.virtio.queue.ChainWriter;
import dev.hyperbundle.virtio.queue.DescriptorChain;
import dev.hyperbundle.virtio.queue.VirtQueue;
import dev.hyperbundle.virtio.queue.VirtQueueException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * virtio-blk (VIRTIO 1.2, 5.2) over a raw image: read, write, flush, get-id, discard and write-zeroes.
 * Requests are served synchronously on the vCPU thread; a completed flush has reached stable storage.
 */
public final class VirtioBlk implements VirtioDeviceModel {
    public static final int SECTOR = 512;
    public static final int QUEUE_SIZE = 256;
    /** 5.2.3 feature bits. */
    public static final int F_SIZE_MAX = 1, F_SEG_MAX = 2, F_RO = 5, F_BLK_SIZE = 6, F_FLUSH = 9, F_DISCARD = 13,
            F_WRITE_ZEROES = 14;
    /** 5.2.6 request types and status values. */
    public static final int T_IN = 0, T_OUT = 1, T_FLUSH = 4, T_GET_ID = 8, T_DISCARD = 11, T_WRITE_ZEROES = 13;
    public static final int S_OK = 0, S_IOERR = 1, S_UNSUPP = 2;
    public static final int ID_BYTES = 20;
    /** Limits advertised in the configuration space and enforced per request. */
    public static final int SIZE_MAX = 1 << 20, SEG_MAX = QUEUE_SIZE - 2;
    public static final int MAX_DISCARD_SECTORS = 0x3fffff, MAX_DISCARD_SEG = 32, DISCARD_ALIGNMENT = 8;
    private static final int WRITE_ZEROES_FLAG_UNMAP = 1;
    private static final int CONFIG_SIZE = 60;
    private static final int CHUNK = 1 << 16;

    private final BlockFile file;
    private final byte[] serial;
    private final byte[] config;
    private final System.Logger log;
    private final String name;
    private VirtioLink link;
    private boolean ioErrorLogged;

    VirtioBlk(BlockFile file, String serial, System.Logger log, String name) {
        this.file = file;
        this.serial = serial.getBytes(StandardCharsets.US_ASCII);
        this.log = log;
        this.name = name;
        this.config = buildConfig(file.size() / SECTOR);
    }

    /** 5.2.4 struct virtio_blk_config up to write_zeroes_may_unmap. */
    private static byte[] buildConfig(long capacity) {
        ByteBuffer b = ByteBuffer.allocate(CONFIG_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, capacity);
        b.putInt(8, SIZE_MAX);
        b.putInt(12, SEG_MAX);
        b.putInt(20, SECTOR); // blk_size
        b.putShort(34, (short) 1); // num_queues
        b.putInt(36, MAX_DISCARD_SECTORS);
        b.putInt(40, MAX_DISCARD_SEG);
        b.putInt(44, DISCARD_ALIGNMENT);
        b.putInt(48, MAX_DISCARD_SECTORS); // max_write_zeroes_sectors
        b.putInt(52, MAX_DISCARD_SEG); // max_write_zeroes_seg
        b.put(56, (byte) 1); // write_zeroes_may_unmap
        return b.array();
    }

    public long capacitySectors() {
        return file.size() / SECTOR;
    }

    @Override
    public VirtioDeviceType type() {
        return VirtioDeviceType.BLOCK;
    }

    @Override
    public long features() {
        long f = bit(F_SIZE_MAX) | bit(F_SEG_MAX) | bit(F_BLK_SIZE) | bit(F_FLUSH);
        if (file.readOnly()) {
            f |= bit(F_RO);
        } else {
            f |= bit(F_DISCARD) | bit(F_WRITE_ZEROES);
        }
        return f;
    }

    private static long bit(int n) {
        return VirtioFeatures.bit(n);
    }

    @Override
    public int[] queueSizes() {
        return new int[] {QUEUE_SIZE};
    }

    @Override
    public int configSize() {
        return CONFIG_SIZE;
    }

    @Override
    public int readConfig(int offset) {
        return config[offset] & 0xff;
    }

    @Override
    public void activate(VirtioLink link) {
        this.link = link;
    }

    @Override
    public void queueNotified(int index) throws VirtQueueException {
        VirtQueue q = link.queue(index);
        DescriptorChain chain;
        while ((chain = q.pop()) != null) {
            q.addUsed(chain.head(), serve(chain));
        }
        link.notifyUsed(index);
    }

    /** Serves one request; returns the bytes written into the chain (5.2.6). */
    private long serve(DescriptorChain chain) throws VirtQueueException {
        if (chain.writableLength() < 1) {
            throw new VirtQueueException("block request without a status byte");
        }
        ChainReader in = chain.reader();
        ChainWriter out = chain.writer();
        byte[] header = in.readExactly(16);
        int status;
        if (header == null) {
            status = S_IOERR;
        } else if (chain.readable().size() + chain.writable().size() > SEG_MAX + 2 || oversizedSegment(chain)) {
            status = S_IOERR; // seg_max / size_max are limits the driver agreed to
        } else {
            ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            int type = h.getInt(0);
            long sector = h.getLong(8);
            status = switch (type) {
                case T_IN -> read(sector, out, chain.writableLength() - 1);
                case T_OUT -> write(sector, in);
                case T_FLUSH -> flush();
                case T_GET_ID -> getId(out, chain.writableLength() - 1);
                case T_DISCARD -> ranges(in, false);
                case T_WRITE_ZEROES -> ranges(in, true);
                default -> S_UNSUPP;
            };
        }
        long data = out.position();
        out.skip(out.remaining() - 1);
        out.write(new byte[] {(byte) status});
        return data + 1;
    }

    private static boolean oversizedSegment(DescriptorChain chain) {
        for (BufferSegment s : chain.readable()) {
            if (s.length() > SIZE_MAX) {
                return true;
            }
        }
        for (BufferSegment s : chain.writable()) {
            if (s.length() > SIZE_MAX) {
                return true;
            }
        }
        return false;
    }

    /** Sector range check (5.2.6.2: out-of-range requests fail with IOERR). */
    private boolean inRange(long sector, long bytes) {
        long sectors = bytes / SECTOR;
        long capacity = capacitySectors();
        return bytes % SECTOR == 0 && sector >= 0 && sector <= capacity && sectors <= capacity - sector;
    }

    private int read(long sector, ChainWriter out, long length) {
        if (!inRange(sector, length)) {
            return S_IOERR;
        }
        byte[] buf = new byte[(int) Math.min(CHUNK, length)];
        long done = 0;
        try {
            while (done < length) {
                int n = (int) Math.min(buf.length, length - done);
                file.read(sector * SECTOR + done, buf, 0, n);
                out.write(buf, 0, n);
                done += n;
            }
        } catch (IOException e) {
            return ioError(e);
        }
        return S_OK;
    }

    private int write(long sector, ChainReader in) {
        long length = in.remaining();
        if (file.readOnly() || !inRange(sector, length)) {
            return S_IOERR;
        }
        byte[] buf = new byte[(int) Math.min(CHUNK, length)];
        long done = 0;
        try {
            while (done < length) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, length - done));
                file.write(sector * SECTOR + done, buf, 0, n);
                done += n;
            }
        } catch (IOException e) {
            return ioError(e);
        }
        return S_OK;
    }

    private int flush() {
        try {
            file.flush();
            return S_OK;
        } catch (IOException e) {
            return ioError(e);
        }
    }

    private int getId(ChainWriter out, long room) {
        byte[] id = new byte[ID_BYTES];
        System.arraycopy(serial, 0, id, 0, Math.min(serial.length, ID_BYTES));
        out.write(id, 0, (int) Math.min(ID_BYTES, room));
        return S_OK;
    }

    /** 5.2.6: discard and write-zeroes carry struct virtio_blk_discard_write_zeroes segments. */
    private int ranges(ChainReader in, boolean writeZeroes) {
        if (file.readOnly()) {
            return S_IOERR;
        }
        long length = in.remaining();
        if (length == 0 || length % 16 != 0) {
            return S_UNSUPP;
        }
        if (length / 16 > MAX_DISCARD_SEG) {
            return S_UNSUPP;
        }
        byte[] raw = in.readExactly((int) length);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < raw.length; i += 16) {
            long sector = b.getLong(i);
            long sectors = Integer.toUnsignedLong(b.getInt(i + 8));
            int flags = b.getInt(i + 12);
            // 5.2.6.2: unmap only for write zeroes; unknown flags are unsupported.
            if ((flags & ~WRITE_ZEROES_FLAG_UNMAP) != 0 || (!writeZeroes && flags != 0)) {
                return S_UNSUPP;
            }
            if (sectors > MAX_DISCARD_SECTORS || !inRange(sector, sectors * SECTOR)) {
                return S_IOERR;
            }
        }
        try {
            for (int i = 0; i < raw.length; i += 16) {
                long offset = b.getLong(i) * SECTOR;
                long bytes = Integer.toUnsignedLong(b.getInt(i + 8)) * SECTOR;
                if (writeZeroes && (b.getInt(i + 12) & WRITE_ZEROES_FLAG_UNMAP) == 0) {
                    file.writeZeros(offset, bytes);
                } else {
                    file.discard(offset, bytes);
                }
            }
        } catch (IOException e) {
            return ioError(e);
        }
        return S_OK;
    }

    private int ioError(IOException e) {
        if (!ioErrorLogged) {
            ioErrorLogged = true;
            log.log(Level.WARNING, name + ": disk I/O failed (reported once): " + e);
        }
        return S_IOERR;
    }

    @Override
    public void reset() {
        link = null;
    }

    @Override
    public void save(StateWriter w) {
        w.putLong(capacitySectors()); // requests complete synchronously: nothing is in flight
    }

    @Override
    public void restore(StateReader r, int version) throws DeviceStateException {
        long capacity = r.getLong();
        if (capacity != capacitySectors()) {
            log.log(Level.WARNING, name + ": image capacity changed from " + capacity + " to " + capacitySectors() + " sectors");
        }
    }

    @Override
    public void close() {
        file.close();
    }
}
