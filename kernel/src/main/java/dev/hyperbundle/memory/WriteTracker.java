package dev.hyperbundle.memory;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Per-page write tracking over the guest physical address space below 4 GiB.
 *
 * <p>Each page has a flag byte: {@link #DIRTY} once written since the last {@link #clearDirty},
 * {@link #WATCHED} while a listener (the binary translator's code cache) wants to hear of writes.
 * A writer that bypasses {@link GuestMemory} (a CPU backend's fast path) must call
 * {@link #written(long)} for a page whose flag is not exactly {@link #DIRTY}: one byte load
 * decides the common case, because a page already dirty and not watched needs nothing.
 *
 * <p>A fast path may instead cache "this page may be written without telling anyone" while the page's
 * flag is exactly {@link #DIRTY}; it registers a {@link WriteAccessListener} and drops that permission
 * when told ({@link #watch} of the page, {@link #clearDirty}).
 *
 * <p>Flag updates are plain stores: a write racing with {@link #clearDirty} on another thread may
 * leave a page clean; callers that need exact dirty sets (snapshots) pause the machine first.
 */
public final class WriteTracker {
    public static final byte DIRTY = 1;
    public static final byte WATCHED = 2;

    private final byte[] flags;
    /** Watchers per watched page: several listeners (a decoded-code cache, a translator) may watch one page. */
    private final java.util.HashMap<Integer, Integer> watchers = new java.util.HashMap<>();
    private final CopyOnWriteArrayList<PageWriteListener> listeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<WriteAccessListener> accessListeners = new CopyOnWriteArrayList<>();

    /** Tracks pages [0, pageCount). */
    public WriteTracker(int pageCount) {
        flags = new byte[pageCount];
    }

    /** Called with the page number (address >>> 12) of a written page that is watched. */
    @FunctionalInterface
    public interface PageWriteListener {
        void pageWritten(long page);
    }

    /**
     * A fast path that writes pages whose flag it saw as exactly {@link #DIRTY} without calling
     * {@link #written}: it must stop doing so for a page when told. Called on the thread that changed the
     * flags (the vCPU thread for a code cache's {@link #watch}).
     */
    public interface WriteAccessListener {
        /** Writes to this page must be reported again ({@code page} < 0: every page). */
        void revokeWriteAccess(long page);
    }

    public int pageCount() {
        return flags.length;
    }

    /** The flag byte of a page: the fast-path check is {@code flags(page) != DIRTY}. */
    public byte flags(long page) {
        return page < flags.length ? flags[(int) page] : DIRTY;
    }

    /** Direct access for backends that inline the check; do not modify. */
    public byte[] flagArray() {
        return flags;
    }

    /** Records a write to a page: marks it dirty and tells listeners when it is watched. */
    public void written(long page) {
        if (page >= flags.length || page < 0) {
            return;
        }
        int p = (int) page;
        byte f = flags[p];
        if ((f & DIRTY) == 0) {
            flags[p] = (byte) (f | DIRTY);
        }
        if ((f & WATCHED) != 0) {
            for (PageWriteListener l : listeners) {
                l.pageWritten(page);
            }
        }
    }

    /** Records a write of length bytes at address (any number of pages). */
    public void written(long address, long length) {
        if (length <= 0) {
            return;
        }
        long first = address >>> GuestMemory.PAGE_SHIFT;
        long last = (address + length - 1) >>> GuestMemory.PAGE_SHIFT;
        for (long p = first; p <= last; p++) {
            if (p >= flags.length || flags[(int) p] != DIRTY) {
                written(p);
            }
        }
    }

    /** Adds one watcher to a page; each {@code watch} needs its own {@link #unwatch}. */
    public synchronized void watch(long page) {
        if (page >= 0 && page < flags.length) {
            watchers.merge((int) page, 1, Integer::sum);
            flags[(int) page] |= WATCHED;
            for (WriteAccessListener l : accessListeners) {
                l.revokeWriteAccess(page);
            }
        }
    }

    /** Removes one watcher; the page stops being watched when none is left. */
    public synchronized void unwatch(long page) {
        if (page >= 0 && page < flags.length) {
            Integer n = watchers.get((int) page);
            if (n == null) {
                return;
            }
            if (n > 1) {
                watchers.put((int) page, n - 1);
            } else {
                watchers.remove((int) page);
                flags[(int) page] &= ~WATCHED;
            }
        }
    }

    public boolean isWatched(long page) {
        return page >= 0 && page < flags.length && (flags[(int) page] & WATCHED) != 0;
    }

    public boolean isDirty(long page) {
        return page >= 0 && page < flags.length && (flags[(int) page] & DIRTY) != 0;
    }

    /** Clears the dirty flag of every page (watch flags stay). */
    public void clearDirty() {
        for (int i = 0; i < flags.length; i++) {
            flags[i] &= ~DIRTY;
        }
        for (WriteAccessListener l : accessListeners) {
            l.revokeWriteAccess(-1);
        }
    }

    public void addWriteAccessListener(WriteAccessListener listener) {
        accessListeners.add(listener);
    }

    public void removeWriteAccessListener(WriteAccessListener listener) {
        accessListeners.remove(listener);
    }

    public void addListener(PageWriteListener listener) {
        listeners.add(listener);
    }

    public void removeListener(PageWriteListener listener) {
        listeners.remove(listener);
    }
}
