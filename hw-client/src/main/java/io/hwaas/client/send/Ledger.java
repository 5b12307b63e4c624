package io.hwaas.client.send;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

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
 * <p>Layout: a header (magic, version, clients, interval, container name), then per logical
 * client a slot of two longs, {@code made} then {@code firstHeld}.
 */
public final class Ledger implements AutoCloseable {
    private static final long MAGIC = 0x4857_4C45_4447_5231L; // "HWLEDGR1"
    private static final int HEADER = 128;
    private static final int SLOT = 16;
    private static final String SUFFIX = ".ledger";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final MappedByteBuffer map;
    private final String container;
    private final int clients;
    private final long intervalMillis;

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

    /** Creates and locks the ledger of a starting container. */
    public static Ledger create(Path dir, String container, int clients, long intervalMillis) throws IOException {
        byte[] name = container.getBytes(StandardCharsets.US_ASCII);
        if (name.length > HEADER - 32) {
            throw new IllegalArgumentException("container name too long for a ledger: " + container);
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
            map.putInt(8, 1);
            map.putInt(12, clients);
            map.putLong(16, intervalMillis);
            map.putShort(24, (short) name.length);
            map.put(26, name);
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

    /**
     * Takes over a ledger whose owner is gone.
     *
     * @return the ledger, or {@code null} when its owner still holds it or it is not a ledger
     */
    public static Ledger adopt(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return null;
            }
            long size = channel.size();
            if (size < HEADER) {
                return abandon(channel, file);
            }
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            int clients = map.getInt(12);
            int nameLength = map.getShort(24);
            if (map.getLong(0) != MAGIC || map.getInt(8) != 1 || clients < 1 || size < HEADER + (long) SLOT * clients
                    || nameLength < 1 || nameLength > HEADER - 32) {
                return abandon(channel, file);
            }
            byte[] name = new byte[nameLength];
            map.get(26, name);
            return new Ledger(file, channel, lock, map, new String(name, StandardCharsets.US_ASCII), clients,
                    map.getLong(16));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static Ledger abandon(FileChannel channel, Path file) throws IOException {
        // Not ours (or cut short before its header was written, which holds nothing yet): leave it be.
        channel.close();
        return null;
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
