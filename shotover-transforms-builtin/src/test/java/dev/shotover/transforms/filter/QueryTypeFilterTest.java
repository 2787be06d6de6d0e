package dev.shotover.transforms.filter;

import static dev.shotover.transforms.testing.ValkeyMessages.batch;
import static dev.shotover.transforms.testing.ValkeyMessages.command;
import static dev.shotover.transforms.testing.ValkeyMessages.raw;
import static dev.shotover.transforms.testing.ValkeyMessages.render;
import static dev.shotover.transforms.testing.ValkeyMessages.resp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.Message;
import dev.shotover.api.Protocol;
import dev.shotover.api.QueryType;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.transforms.testing.FakeDownChain;
import dev.shotover.transforms.testing.TestContexts;
import dev.shotover.transforms.testing.TestMetrics;
import dev.shotover.transforms.testing.TinyRespParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryTypeFilterTest {
    private static final String FILTERED = "error:ERR Message was filtered out by shotover";

    private static Transform filter(QueryTypeFilterConfig config) throws Exception {
        TransformBuilder builder = config.builder(TestContexts.build("QueryTypeFilter", new TestMetrics()));
        assertThat(builder.validate()).isEmpty();
        return builder.build(TestContexts.connection());
    }

    private static Transform denyList(QueryType... types) throws Exception {
        return filter(new QueryTypeFilterConfig(null, new QueryTypeList.DenyList(List.of(types)), null));
    }

    private static Transform allowList(QueryType... types) throws Exception {
        return filter(new QueryTypeFilterConfig(null, new QueryTypeList.AllowList(List.of(types)), null));
    }

    private static List<Message> run(Transform transform, FakeDownChain down, List<Message> requests) {
        return transform.transform(down.state(requests)).toCompletableFuture().join();
    }

    @Test
    void denyListFiltersTheMiddleOfAPipelineAndKeepsOrder() throws Exception {
        FakeDownChain down = FakeDownChain.echo();
        Message getA = command("GET", "a");
        Message setB = command("SET", "b", "1");
        Message getC = command("GET", "c");

        List<Message> responses = run(denyList(QueryType.WRITE), down, batch(getA, setB, getC));

        assertThat(down.calls()).containsExactly(List.of(getA, getC));
        assertThat(responses).extracting(Message::requestId).containsExactly(getA.id(), setB.id(), getC.id());
        assertThat(responses).extracting(r -> render(r)).containsExactly("bulk:echo:GET a", FILTERED, "bulk:echo:GET c");
    }

    @Test
    void allowListLetsOnlyTheListedTypesThrough() throws Exception {
        FakeDownChain down = FakeDownChain.echo();
        Message set1 = command("SET", "a", "1");
        Message get = command("GET", "a");
        Message incr = command("INCR", "n");
        Message set2 = command("SET", "b", "2");

        List<Message> responses = run(allowList(QueryType.READ), down, batch(set1, get, incr, set2));

        assertThat(down.calls()).containsExactly(List.of(get));
        assertThat(responses).extracting(Message::requestId)
                .containsExactly(set1.id(), get.id(), incr.id(), set2.id());
        assertThat(responses).extracting(r -> render(r)).containsExactly(FILTERED, "bulk:echo:GET a", FILTERED, FILTERED);
    }

    @Test
    void olderFilterFormDeniesThatType() throws Exception {
        FakeDownChain down = FakeDownChain.echo();
        Transform transform = filter(new QueryTypeFilterConfig(null, null, QueryType.READ));
        Message get = command("GET", "a");
        Message set = command("SET", "a", "1");

        List<Message> responses = run(transform, down, batch(get, set));

        assertThat(down.calls()).containsExactly(List.of(set));
        assertThat(responses).extracting(r -> render(r)).containsExactly(FILTERED, "bulk:echo:SET a 1");
    }

    @Test
    void everyRequestFilteredStillCallsDownChainOnceWithAnEmptyBatch() throws Exception {
        FakeDownChain down = FakeDownChain.echo();
        Message set1 = command("SET", "a", "1");
        Message set2 = command("DEL", "a");

        List<Message> responses = run(denyList(QueryType.WRITE), down, batch(set1, set2));

        assertThat(down.calls()).containsExactly(List.of());
        assertThat(responses).extracting(Message::requestId).containsExactly(set1.id(), set2.id());
        assertThat(responses).extracting(r -> render(r)).containsOnly(FILTERED);
    }

    @Test
    void emptyBatchIsPassedDown() throws Exception {
        FakeDownChain down = FakeDownChain.echo();

        assertThat(run(denyList(QueryType.WRITE), down, batch())).isEmpty();
        assertThat(down.calls()).containsExactly(List.of());
    }

    @Test
    void nothingFilteredPassesTheBatchAndResponsesThroughUntouched() throws Exception {
        List<Message> canned = new ArrayList<>();
        FakeDownChain down = new FakeDownChain(requests -> {
            canned.addAll(FakeDownChain.echoAll(requests));
            return canned;
        });
        List<Message> requests = batch(command("GET", "a"), command("GET", "b"));

        List<Message> responses = run(denyList(QueryType.WRITE), down, requests);

        assertThat(down.calls()).containsExactly(List.copyOf(requests));
        assertThat(responses).isSameAs(canned);
    }

    @Test
    void unsolicitedResponsesKeepTheirPlaceAndRejectionsArePairedByRequestId() throws Exception {
        Message push = Message.fromFrame(new ValkeyFrame.Push(List.of(ValkeyFrame.bulk("message"))));
        // The rest of the chain puts a push message first: a merge by position would misplace every answer.
        FakeDownChain down = new FakeDownChain(requests -> {
            List<Message> responses = new ArrayList<>();
            responses.add(push);
            responses.addAll(FakeDownChain.echoAll(requests));
            return responses;
        });
        Message set = command("SET", "a", "1");
        Message get = command("GET", "a");
        Message del = command("DEL", "a");

        List<Message> responses = run(denyList(QueryType.WRITE), down, batch(set, get, del));

        assertThat(responses).containsSubsequence(push);
        assertThat(responses).hasSize(4);
        assertThat(responses).extracting(Message::requestId).containsExactly(null, set.id(), get.id(), del.id());
        assertThat(responses.subList(1, 4)).extracting(r -> render(r))
                .containsExactly(FILTERED, "bulk:echo:GET a", FILTERED);
    }

    @Test
    void outOfOrderDownChainResponsesAreAllKeptWithEveryRejection() throws Exception {
        FakeDownChain down = new FakeDownChain(requests -> {
            List<Message> responses = FakeDownChain.echoAll(requests);
            Collections.reverse(responses);
            return responses;
        });
        List<Message> requests = batch(command("GET", "a"), command("SET", "b", "1"), command("GET", "c"),
                command("SET", "d", "1"));
        List<Message> original = List.copyOf(requests);

        List<Message> responses = run(denyList(QueryType.WRITE), down, requests);

        assertThat(responses).extracting(Message::requestId)
                .containsExactlyInAnyOrder(original.stream().map(Message::id).toArray(dev.shotover.api.MessageId[]::new));
        assertThat(responses).filteredOn(r -> render(r).equals(FILTERED)).extracting(Message::requestId)
                .containsExactlyInAnyOrder(original.get(1).id(), original.get(3).id());
    }

    @Test
    void rawRequestsAreClassifiedAndUnparseableOnesCountAsReadWrite() throws Exception {
        FakeDownChain down = new FakeDownChain(requests -> {
            List<Message> responses = new ArrayList<>();
            for (Message request : requests) {
                responses.add(Message.responseTo(request, ValkeyFrame.ok()));
            }
            return responses;
        });
        Message get = raw(resp("GET", "a"));
        Message set = raw(resp("SET", "a", "1"));
        Message garbage = raw("%%%\r\n");
        try {
            List<Message> responses = run(denyList(QueryType.READ_WRITE), down, batch(get, set, garbage));

            assertThat(down.calls()).containsExactly(List.of(get, set));
            assertThat(responses).extracting(Message::requestId).containsExactly(get.id(), set.id(), garbage.id());
            assertThat(render(responses.get(2))).isEqualTo(FILTERED);
            // The filter owns none of the requests: the runtime releases them, including the filtered one.
            assertThat(List.of(get, set, garbage)).allMatch(m -> m.rawBytes() != null && m.rawBytes().refCnt() == 1);
        } finally {
            get.release();
            set.release();
            garbage.release();
        }
    }

    @Test
    void releasesNoResponseItPassesOn() throws Exception {
        List<ByteBuf> buffers = new ArrayList<>();
        FakeDownChain down = new FakeDownChain(requests -> {
            List<Message> responses = new ArrayList<>();
            for (Message request : requests) {
                ByteBuf bytes = Unpooled.copiedBuffer("+OK\r\n", StandardCharsets.UTF_8);
                buffers.add(bytes);
                Message response = Message.fromRaw(Protocol.VALKEY, bytes, TinyRespParser.INSTANCE, 0L);
                response.setRequestId(request.id());
                responses.add(response);
            }
            return responses;
        });

        List<Message> responses = run(denyList(QueryType.WRITE), down,
                batch(command("GET", "a"), command("SET", "b", "1"), command("GET", "c")));
        try {
            assertThat(buffers).hasSize(2).allMatch(b -> b.refCnt() == 1);
            assertThat(responses).hasSize(3);
        } finally {
            responses.forEach(Message::release);
        }
        assertThat(buffers).allMatch(b -> b.refCnt() == 0);
    }

    @Test
    void validationNeedsExactlyOneForm() {
        var neither = new QueryTypeFilterConfig("f", null, null);
        var both = new QueryTypeFilterConfig("f", new QueryTypeList.AllowList(List.of(QueryType.READ)), QueryType.WRITE);

        assertThat(neither.builder(TestContexts.build("QueryTypeFilter", new TestMetrics())).validate())
                .containsExactly("QueryTypeFilter needs one of AllowList: [..], DenyList: [..] or filter: <query type>");
        assertThat(both.builder(TestContexts.build("QueryTypeFilter", new TestMetrics())).validate())
                .containsExactly("QueryTypeFilter takes either AllowList/DenyList or the older filter field, not both");
    }

    @Test
    void listsDecideRejection() {
        var allow = new QueryTypeList.AllowList(List.of(QueryType.READ));
        var deny = new QueryTypeList.DenyList(List.of(QueryType.WRITE, QueryType.SCHEMA_CHANGE));

        assertThat(allow.rejects(QueryType.READ)).isFalse();
        assertThat(allow.rejects(QueryType.WRITE)).isTrue();
        assertThat(new QueryTypeList.AllowList(List.of()).rejects(QueryType.READ)).isTrue();
        assertThat(deny.rejects(QueryType.SCHEMA_CHANGE)).isTrue();
        assertThat(deny.rejects(QueryType.READ_WRITE)).isFalse();
        assertThat(new QueryTypeFilterConfig(null, null, QueryType.READ).effectiveList())
                .isEqualTo(new QueryTypeList.DenyList(List.of(QueryType.READ)));
    }

    @Test
    void isNotTerminating() {
        assertThat(new QueryTypeFilterConfig(null, null, QueryType.READ).downChainProtocol().isTerminating()).isFalse();
        assertThat(new QueryTypeFilterFactory().typeName()).isEqualTo("QueryTypeFilter");
        assertThat(new QueryTypeFilterFactory().configType()).isEqualTo(QueryTypeFilterConfig.class);
    }
}
