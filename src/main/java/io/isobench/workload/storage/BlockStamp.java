package io.isobench.workload.storage;

import java.nio.ByteBuffer;

/**
 * The data check of the storage workload. Every 4 KiB unit written to the file starts with its
 * own file offset and a token drawn for this file; a read checks them in every unit it got. A
 * block returned from the wrong place, stale data of an earlier file, or a zeroed block fails the
 * iteration. Stamping and checking touch 16 bytes per 4 KiB, nothing against the I/O itself.
 */
final class BlockStamp {

    static final int UNIT = 4096;

    private BlockStamp() {
    }

    /** Stamps every unit of {@code buf} (positions 0..limit) for a write at {@code fileOffset}. */
    static void stamp(ByteBuffer buf, long fileOffset, long token) {
        for (int u = 0; u < buf.limit(); u += UNIT) {
            buf.putLong(u, fileOffset + u);
            buf.putLong(u + 8, token);
        }
    }

    /** Checks every unit of {@code buf} as read from {@code fileOffset}; throws on a mismatch. */
    static void verify(String workload, ByteBuffer buf, long fileOffset, long token) {
        for (int u = 0; u < buf.limit(); u += UNIT) {
            long where = buf.getLong(u);
            long tok = buf.getLong(u + 8);
            if (where != fileOffset + u || tok != token) {
                throw new IllegalStateException(workload + ": the data read at file offset " + (fileOffset + u)
                        + " is not what was written there (it carries offset " + where + (tok == token ? "" : " and a foreign token")
                        + "): the storage returned wrong data");
            }
        }
    }
}
