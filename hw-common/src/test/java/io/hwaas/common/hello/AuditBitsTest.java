package io.hwaas.common.hello;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuditBitsTest {

    /** Sets a bit the way Redis SETBIT does: offset 0 is the most significant bit of byte 0. */
    private static void setBit(byte[] bitmap, long offset) {
        bitmap[(int) (offset >>> 3)] |= (byte) (0x80 >>> (offset & 7));
    }

    @Test
    void blocks() {
        assertThat(AuditBits.block(0)).as("seq 0").isZero();
        assertThat(AuditBits.block(1)).as("seq 1").isZero();
        assertThat(AuditBits.block(4095)).as("last of block 0").isZero();
        assertThat(AuditBits.block(4096)).as("first of block 1").isEqualTo(1);
        assertThat(AuditBits.block(3L * 4096 + 17)).as("block 3").isEqualTo(3);
    }

    @Test
    void offsets() {
        assertThat(AuditBits.offset(0, AuditBits.SUBMITTED)).as("seq 0 submitted").isZero();
        assertThat(AuditBits.offset(1, AuditBits.SUBMITTED)).as("four bits per hello").isEqualTo(4);
        assertThat(AuditBits.offset(1, AuditBits.PRINTED)).as("seq 1 printed").isEqualTo(6);
        assertThat(AuditBits.offset(4095, AuditBits.REPRINTED)).as("last bit of a block").isEqualTo(4095L * 4 + 3);
        assertThat(AuditBits.offset(4096 + 1, AuditBits.CLAIMED)).as("offset restarts in the next block")
                .isEqualTo(AuditBits.offset(1, AuditBits.CLAIMED));
    }

    @Test
    void aBlockTakesTwoKibibytes() {
        assertThat((AuditBits.offset(AuditBits.BLOCK - 1, AuditBits.REPRINTED) + 1) / 8).as("bytes per block")
                .isEqualTo(2048);
    }

    @Test
    void flagsReadBitsFromTheMostSignificantBitOfEachByte() {
        assertThat(AuditBits.flags(new byte[] {(byte) 0x80}, 0)).as("0x80 is seq 0 SUBMITTED")
                .isEqualTo(1 << AuditBits.SUBMITTED);
        assertThat(AuditBits.flags(new byte[] {(byte) 0x40}, 0)).as("0x40 is seq 0 CLAIMED")
                .isEqualTo(1 << AuditBits.CLAIMED);
        assertThat(AuditBits.flags(new byte[] {(byte) 0x10}, 0)).as("0x10 is seq 0 REPRINTED")
                .isEqualTo(1 << AuditBits.REPRINTED);
        assertThat(AuditBits.flags(new byte[] {(byte) 0x08}, 0)).as("0x08 belongs to seq 1, not seq 0").isZero();
        assertThat(AuditBits.flags(new byte[] {(byte) 0x0A}, 1)).as("0x0A is seq 1 SUBMITTED and PRINTED")
                .isEqualTo((1 << AuditBits.SUBMITTED) | (1 << AuditBits.PRINTED));
    }

    @Test
    void flagsOfOneHelloIgnoreItsNeighbours() {
        byte[] bitmap = new byte[2048];
        long seq = 4096L * 5 + 1001;
        setBit(bitmap, AuditBits.offset(seq, AuditBits.SUBMITTED));
        setBit(bitmap, AuditBits.offset(seq, AuditBits.CLAIMED));
        setBit(bitmap, AuditBits.offset(seq, AuditBits.PRINTED));
        setBit(bitmap, AuditBits.offset(seq + 1, AuditBits.REPRINTED));
        assertThat(AuditBits.flags(bitmap, seq)).as("submitted, claimed, printed")
                .isEqualTo(0b0111);
        assertThat(AuditBits.flags(bitmap, seq + 1)).as("next hello: reprinted only").isEqualTo(0b1000);
        assertThat(AuditBits.flags(bitmap, seq - 1)).as("previous hello: nothing").isZero();
    }

    @Test
    void everyFlagOfTheLastHelloInABlock() {
        byte[] bitmap = new byte[2048];
        long seq = AuditBits.BLOCK - 1;
        for (int flag = 0; flag < 4; flag++) {
            setBit(bitmap, AuditBits.offset(seq, flag));
        }
        assertThat(AuditBits.flags(bitmap, seq)).as("all four flags").isEqualTo(0b1111);
        assertThat(bitmap[2047]).as("they fill the low nibble of the last byte").isEqualTo((byte) 0x0F);
    }

    @Test
    void bitsBeyondAShortBitmapAreUnset() {
        // Redis GET returns only up to the highest byte ever written.
        byte[] bitmap = new byte[1];
        assertThat(AuditBits.flags(bitmap, 100)).as("past the end").isZero();
        assertThat(AuditBits.flags(new byte[0], 0)).as("empty bitmap").isZero();
    }
}
