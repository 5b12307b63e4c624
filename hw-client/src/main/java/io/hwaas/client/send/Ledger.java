package io.hwaas.client.send;

import io.hwaas.common.hello.ClientIds;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * What a client container holds, kept on disk so that a crash loses nothing: for each logical
 * client, the oldest unconfirmed hello and the last one made. The file is memory-mapped, so
 * recording a tick is a store into memory, no system call; the kernel owns the page, so the
 * record survives the process being killed (SIGKILL, OOM), and {@link #force} once a second
 * bounds what a host crash can take, as Redis' own {@code appendfsync everysec} does.
 *
 * <p>A running container holds an exclusive lock on its file. Any client container sharing the
 * directory (a volume per host) that can take the lock of another's file knows its owner is gone,
 * adopts it, re-sends what it held under the original ids (workers deduplicate), tells the audit,
 * and deletes it.
 *
 * <p>Layout (version 2): a header (magic, version, clients, interval, container name, start time,
 * buffer capacity, then a CRC-32 of all of it), then per logical client a slot of two longs,
 * {@code made} then {@code firstHeld}. A header is written once, so its checksum is exact; slots
 * change on every tick, and a process killed between two stores would break a slot checksum, so
 * they are checked against bounds instead. Version 1 (no start time, capacity or checksum) is
 * still read. A file that fails any check is never adopted: {@link #adopt} says which field.
 */
public final class Ledger implements AutoCloseable {
    private static final long MAGIC = 0x4857_4C45_4447_5231L; // "HWLEDGR1"
    private static final int VERSION = 2;
    private static final int HEADER = 128;
    private static final int SLOT = 16;
    private static final int NAME_AT = 26;
    private static final int START_AT = 96;
    private static final int CAPACITY_AT = 104;
    private static final int CRC_AT = HEADER - 4;
    private static final int MAX_NAME_V1 = HEADER - 32;
    private static final int MAX_NAME = START_AT - NAME_AT;
    /** The most logical clients a container runs ({@code HWAAS_CLIENTS_PER_CONTAINER}). */
    private static final int MAX_CLIENTS = 10_000;
    /** The largest buffer a client may have ({@code HWAAS_CLIENT_BUFFER}): version 1 did not record it. */
    private static final int MAX_CAPACITY = 10_000_000;
    private static final long MAX_INTERVAL_MILLIS = 3_600_000;
    /** Clock skew between the dead container's host and the adopter's that a sequence bound allows. */
    private static final long CLOCK_SLACK_MILLIS = 600_000;
    /** 2020-01-01: no ledger was written before. */
    private static final long EARLIEST_START_MILLIS = 1_577_836_800_000L;
    private static final String SUFFIX = ".ledger";
    /** What a rejected ledger is renamed to end with: no longer a ledger, kept for a person to look at. */
    static final String QUARANTINED = ".bad";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final MappedByteBuffer map;
    private final String container;
    private final int clients;
    private final long intervalMillis;
    private final AtomicLong forced = new AtomicLong();

    private Ledger(Path file, FileChannel channel, FileLock lock, MappedByteBuffer map, String container, int clients,
            long intervalMillis) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.map = map;
        this.container = container;
        this.clients = clients;
        this.intervalMillis = intervalMillis;
    }

    /** A ledger file that fails a check, naming the field. */
    public static final class Corrupt extends IOException {
        private static final long serialVersionUID = 1L;

        Corrupt(Path file, String field, String why) {
            super(file + ": " + field + " " + why);
        }
    }

    /**
     * Creates and locks the ledger of a starting container.
     *
     * @param startMillis when the container started (bounds the sequence numbers an adopter accepts)
     * @param capacity each logical client's buffer ({@code HWAAS_CLIENT_BUFFER})
     */
    public static Ledger create(Path dir, String container, int clients, long intervalMillis, long startMillis,
            int capacity) throws IOException {
        byte[] name = container.getBytes(StandardCharsets.US_ASCII);
        if (name.length > MAX_NAME) {
            throw new IllegalArgumentException("container name too long for a ledger (" + MAX_NAME + " at most): "
                    + container);
        }
        Path file = dir.resolve(container + SUFFIX);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IOException("cannot lock " + file);
            }
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, HEADER + (long) SLOT * clients);
            map.putLong(0, MAGIC);
            map.putInt(8, VERSION);
            map.putInt(12, clients);
            map.putLong(16, intervalMillis);
            map.putShort(24, (short) name.length);
            map.put(NAME_AT, name);
            map.putLong(START_AT, startMillis);
            map.putInt(CAPACITY_AT, capacity);
            map.putInt(CRC_AT, headerCrc(map));
            for (int i = 0; i < clients; i++) {
                map.putLong(HEADER + i * SLOT, 0);
                map.putLong(HEADER + i * SLOT + 8, 1);
            }
            map.force();
            return new Ledger(file, channel, lock, map, container, clients, intervalMillis);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(file);
            throw e;
        }
    }

    private static int headerCrc(ByteBuffer map) {
        CRC32 crc = new CRC32();
        crc.update(map.slice(0, CRC_AT));
        return (int) crc.getValue();
    }

    /**
     * Takes over a ledger whose owner is gone, after checking every field: the header's checksum
     * (version 2), its sizes, and each slot's numbers against what the owner could have made
     * since it started, at its interval, as the adopter's clock {@code nowMillis} sees it.
     *
     * @return the ledger, or {@code null} when its owner still holds it or has not written it yet
     * @throws Corrupt when a field is wrong: the file must not be adopted ({@link #quarantine})
     */
    public static Ledger adopt(Path file, long nowMillis) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return null;
            }
            long size = channel.size();
            if (size == 0) {
                // Created, not yet locked by its owner: it holds nothing yet, leave it be.
                channel.close();
                return null;
            }
            if (size < HEADER) {
                throw new Corrupt(file, "size", "is " + size + " bytes, shorter than a header (" + HEADER + ")");
            }
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            return read(file, channel, lock, map, size, nowMillis);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static Ledger read(Path file, FileChannel channel, FileLock lock, MappedByteBuffer map, long size,
            long nowMillis) throws Corrupt {
        if (map.getLong(0) != MAGIC) {
            throw new Corrupt(file, "magic", "is not a ledger's");
        }
        int version = map.getInt(8);
        if (version != 1 && version != VERSION) {
            throw new Corrupt(file, "version", "is " + version + ", not 1 or " + VERSION);
        }
        if (version == VERSION && map.getInt(CRC_AT) != headerCrc(map)) {
            throw new Corrupt(file, "header checksum", "does not match the header");
        }
        int clients = map.getInt(12);
        if (clients < 1 || clients > MAX_CLIENTS) {
            throw new Corrupt(file, "clients", "is " + clients + ", not 1.." + MAX_CLIENTS);
        }
        if (size != HEADER + (long) SLOT * clients) {
            throw new Corrupt(file, "size", "is " + size + " bytes, not " + (HEADER + (long) SLOT * clients) + " for "
                    + clients + " client(s): truncated or padded");
        }
        long intervalMillis = map.getLong(16);
        if (intervalMillis < 1 || intervalMillis > MAX_INTERVAL_MILLIS) {
            throw new Corrupt(file, "interval", "is " + intervalMillis + " ms, not 1.." + MAX_INTERVAL_MILLIS);
        }
        int nameLength = map.getShort(24);
        if (nameLength < 1 || nameLength > (version == 1 ? MAX_NAME_V1 : MAX_NAME)) {
            throw new Corrupt(file, "name length", "is " + nameLength);
        }
        byte[] bytes = new byte[nameLength];
        map.get(NAME_AT, bytes);
        String name = new String(bytes, StandardCharsets.US_ASCII);
        if (!ClientIds.isValid(name) || !file.getFileName().toString().equals(name + SUFFIX)) {
            throw new Corrupt(file, "container name", "is not the file's own name");
        }
        long startMillis = version == 1 ? ClientIds.startMillis(name + "-0") : map.getLong(START_AT);
        if (startMillis < EARLIEST_START_MILLIS || startMillis > nowMillis + CLOCK_SLACK_MILLIS) {
            throw new Corrupt(file, "start time", "is " + startMillis + ", not between 2020 and now");
        }
        long capacity = version == 1 ? MAX_CAPACITY : map.getInt(CAPACITY_AT);
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new Corrupt(file, "capacity", "is " + capacity + ", not 1.." + MAX_CAPACITY);
        }
        // Tick n is due at most n intervals after the start; a minute of ticks more may be held
        // while a round trip is under way (Outbox: drops wait for its outcome).
        long maxMade = (nowMillis + CLOCK_SLACK_MILLIS - startMillis) / intervalMillis + 1;
        long maxHeld = capacity + 60_000 / intervalMillis + 1;
        for (int i = 0; i < clients; i++) {
            long made = map.getLong(HEADER + i * SLOT);
            long firstHeld = map.getLong(HEADER + i * SLOT + 8);
            if (made < 0 || made > maxMade) {
                throw new Corrupt(file, "client " + i + " made", "is " + made + ", not 0.." + maxMade
                        + " (one per interval since the start)");
            }
            if (firstHeld < 1 || firstHeld > made + 1 || made - firstHeld + 1 > maxHeld) {
                throw new Corrupt(file, "client " + i + " first held", "is " + firstHeld + " with " + made
                        + " made, not " + Math.max(1, made + 1 - maxHeld) + ".." + (made + 1) + " (the buffer)");
            }
        }
        return new Ledger(file, channel, lock, map, name, clients, intervalMillis);
    }

    /**
     * Renames a rejected ledger aside ({@code .bad}), so that no container adopts it or reads it
     * again; it stays for a person to look at.
     *
     * @return where it now is
     */
    public static Path quarantine(Path file) throws IOException {
        return Files.move(file, file.resolveSibling(file.getFileName() + QUARANTINED),
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Ledger files in {@code dir} other than {@code own}'s. */
    public static List<Path> others(Path dir, String own) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : stream) {
                if (!file.getFileName().toString().equals(own + SUFFIX)) {
                    files.add(file);
                }
            }
        }
        return files;
    }

    public String container() {
        return container;
    }

    public int clients() {
        return clients;
    }

    public long intervalMillis() {
        return intervalMillis;
    }

    /** Logical client {@code index}'s numbers. */
    public Slot slot(int index) {
        return new Slot(HEADER + index * SLOT);
    }

    /** Writes what was recorded through to the disk. */
    public void force() {
        map.force();
        forced.incrementAndGet();
    }

    /** How many times {@link #force} has run. */
    long forced() {
        return forced.get();
    }

    /** Releases the lock, keeping the file: what it holds waits for a container to adopt it. */
    @Override
    public void close() throws IOException {
        force();
        lock.release();
        channel.close();
    }

    /** Removes the ledger: everything it held is confirmed. */
    public void delete() throws IOException {
        Files.deleteIfExists(file);
        lock.release();
        channel.close();
    }

    /** One logical client's two numbers. Writes are made under the owning {@link Outbox}'s lock. */
    public final class Slot {
        private final int offset;

        private Slot(int offset) {
            this.offset = offset;
        }

        /** Records what is held: {@code firstHeld..made}. */
        void record(long firstHeld, long made) {
            // made first: a crash between the two stores then holds one more hello, never one fewer.
            map.putLong(offset, made);
            map.putLong(offset + 8, firstHeld);
        }

        /** The last hello made. */
        public long made() {
            return map.getLong(offset);
        }

        /** The oldest hello not yet confirmed by Redis. */
        public long firstHeld() {
            return map.getLong(offset + 8);
        }
    }

}
