package dev.shotover.protocols.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

/**
 * The walker, fed a Fetch response of every version in random chunks, with the splices it asks for simulated (the
 * spliced bytes skipped): the holes it makes are exactly the remainders of record sets, every byte is accounted
 * for, and the body it ends with is the response's, record sets aside.
 */
class FetchResponseWalkerTest {
    private static final int MIN_SPLICE = 64 * 1024;

    @Test
    void everyVersionInRandomChunksSplicesOnlyRecordSetRemaindersAndEndsWithTheBody() {
        Random random = new Random(42);
        for (short version = ApiKeys.FETCH.oldestVersion(); version <= ApiKeys.FETCH.latestVersion(); version++) {
            FetchResponseData data = response(version);
            byte[] wire = frame(data, version);
            List<int[]> recordSets = recordSets(wire, version);
            int splices = 0;
            for (int round = 0; round < 20; round++) {
                splices += walkInChunks(wire, version, recordSets, random, data);
            }
            assertThat(splices).as("splices of v%d", version).isPositive();
        }
    }

    @Test
    void smallRemaindersArriveNormallyAndTheFrontierNeverPassesTheLastRecordSet() {
        short version = ApiKeys.FETCH.latestVersion();
        FetchResponseData data = response(version);
        byte[] wire = frame(data, version);
        List<int[]> recordSets = recordSets(wire, version);
        int lastRecordsEnd = recordSets.get(recordSets.size() - 1)[0] + recordSets.get(recordSets.size() - 1)[1];
        FetchResponseWalker walker = new FetchResponseWalker(Integer.MAX_VALUE);
        walker.reset(version, wire.length);
        for (int received = 1; received < wire.length; received += 997) {
            ByteBuf part = Unpooled.wrappedBuffer(wire, 0, received);
            assertThat(walker.walk(part)).isEqualTo(FetchResponseWalker.MORE);
            assertThat(walker.recordsFrontier()).isLessThanOrEqualTo(Math.min(received, lastRecordsEnd));
        }
        assertThat(walker.walk(Unpooled.wrappedBuffer(wire))).isEqualTo(FetchResponseWalker.COMPLETE);
        assertThat(walker.holes()).isZero();
    }

    private static int walkInChunks(byte[] wire, short version, List<int[]> recordSets, Random random,
                                     FetchResponseData expected) {
        FetchResponseWalker walker = new FetchResponseWalker(MIN_SPLICE);
        walker.reset(version, wire.length);
        ByteBuf user = Unpooled.buffer();
        int wirePosition = 0;
        List<int[]> splicedRanges = new ArrayList<>();
        int result = FetchResponseWalker.MORE;
        while (wirePosition < wire.length) {
            int chunk = Math.min(1 + random.nextInt(random.nextBoolean() ? 100 : 70_000), wire.length - wirePosition);
            user.writeBytes(wire, wirePosition, chunk);
            wirePosition += chunk;
            result = walker.walk(user);
            if (result > 0) {
                walker.addHole(user.readableBytes(), result);
                splicedRanges.add(new int[] {wirePosition, result});
                wirePosition += result;
                if (wirePosition == wire.length) {
                    result = walker.walk(user);
                }
            }
        }
        assertThat(wirePosition).isEqualTo(wire.length);
        assertThat(result).as("v%d", version).isEqualTo(FetchResponseWalker.COMPLETE);
        assertThat(user.readableBytes() + walker.holeBytes()).isEqualTo(wire.length);
        for (int[] spliced : splicedRanges) {
            assertThat(spliced[1]).isGreaterThanOrEqualTo(MIN_SPLICE);
            // within one record set, and running to its end
            assertThat(recordSets).anySatisfy(set -> {
                assertThat(spliced[0]).isGreaterThanOrEqualTo(set[0]);
                assertThat(spliced[0] + spliced[1]).isEqualTo(set[0] + set[1]);
            });
        }
        FetchResponseData body = walker.body();
        assertThat(body.nodeEndpoints()).isEqualTo(expected.nodeEndpoints());
        assertThat(body.responses()).hasSameSizeAs(expected.responses());
        for (int t = 0; t < body.responses().size(); t++) {
            List<FetchResponseData.PartitionData> got = body.responses().get(t).partitions();
            List<FetchResponseData.PartitionData> want = expected.responses().get(t).partitions();
            assertThat(got).hasSameSizeAs(want);
            for (int p = 0; p < got.size(); p++) {
                assertThat(got.get(p).partitionIndex()).isEqualTo(want.get(p).partitionIndex());
                assertThat(got.get(p).highWatermark()).isEqualTo(want.get(p).highWatermark());
                assertThat(got.get(p).abortedTransactions()).isEqualTo(want.get(p).abortedTransactions());
                assertThat(got.get(p).records() == null).isEqualTo(want.get(p).records() == null);
            }
        }
        user.release();
        return splicedRanges.size();
    }

    /** Three topics: large, empty and null record sets, aborted transactions, and new leaders where they exist. */
    static FetchResponseData response(short version) {
        FetchResponseData data = new FetchResponseData().setThrottleTimeMs(3).setSessionId(version >= 7 ? 11 : 0);
        Random random = new Random(version);
        for (int t = 0; t < 3; t++) {
            FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse();
            if (version >= 13) {
                topic.setTopicId(new Uuid(7, t + 1));
            } else {
                topic.setTopic("topic-" + t);
            }
            for (int p = 0; p < 3; p++) {
                FetchResponseData.PartitionData partition = new FetchResponseData.PartitionData()
                        .setPartitionIndex(p).setHighWatermark(1000 + p).setLastStableOffset(900)
                        .setLogStartOffset(version >= 5 ? 10 : -1);
                int kind = (t * 3 + p) % 4;
                if (kind == 0 || kind == 3) {
                    partition.setRecords(records(random, kind == 0 ? 300_000 : 70_000));
                } else if (kind == 1) {
                    partition.setRecords(MemoryRecords.EMPTY);
                } else {
                    partition.setRecords(null);
                }
                if (p == 1) {
                    partition.setAbortedTransactions(new ArrayList<>(List.of(
                            new FetchResponseData.AbortedTransaction().setProducerId(5).setFirstOffset(20),
                            new FetchResponseData.AbortedTransaction().setProducerId(6).setFirstOffset(30))));
                }
                if (version >= 11) {
                    partition.setPreferredReadReplica(-1);
                }
                topic.partitions().add(partition);
            }
            data.responses().add(topic);
        }
        if (version >= 16) {
            data.nodeEndpoints().add(new FetchResponseData.NodeEndpoint().setNodeId(2).setHost("127.0.0.2")
                    .setPort(9092).setRack("r1"));
            data.nodeEndpoints().add(new FetchResponseData.NodeEndpoint().setNodeId(3).setHost("127.0.0.3")
                    .setPort(9093));
        }
        return data;
    }

    static MemoryRecords records(Random random, int approximateBytes) {
        List<SimpleRecord> records = new ArrayList<>();
        for (int size = 0; size < approximateBytes; size += 10_000) {
            byte[] value = new byte[10_000];
            random.nextBytes(value);
            records.add(new SimpleRecord(value));
        }
        return MemoryRecords.withRecords(Compression.NONE, records.toArray(new SimpleRecord[0]));
    }

    /** The response as the broker sends it: size prefix, header, body. */
    static byte[] frame(FetchResponseData data, short version) {
        ByteBuffer header = MessageUtil.toByteBufferAccessor(new ResponseHeaderData().setCorrelationId(77),
                ApiKeys.FETCH.responseHeaderVersion(version)).buffer();
        ByteBuffer body = MessageUtil.toByteBufferAccessor(data, version).buffer();
        ByteBuffer wire = ByteBuffer.allocate(4 + header.remaining() + body.remaining());
        wire.putInt(header.remaining() + body.remaining()).put(header).put(body);
        return wire.array();
    }

    /** Where each non-null record set is in {@code wire}: [start, length], found by kafka-clients' own read. */
    static List<int[]> recordSets(byte[] wire, short version) {
        List<int[]> sets = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(wire);
        buffer.position(4);
        ByteBufferAccessor readable = new ByteBufferAccessor(buffer) {
            @Override
            public MemoryRecords readRecords(int length) {
                sets.add(new int[] {buffer.position(), length});
                return super.readRecords(length);
            }
        };
        new ResponseHeaderData(readable, ApiKeys.FETCH.responseHeaderVersion(version));
        new FetchResponseData().read(readable, version);
        assertThat(buffer.remaining()).isZero();
        return sets;
    }
}
