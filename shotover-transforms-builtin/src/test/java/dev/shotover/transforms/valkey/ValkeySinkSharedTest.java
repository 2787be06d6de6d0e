package dev.shotover.transforms.valkey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shotover.api.ChainState;
import dev.shotover.api.Message;
import dev.shotover.api.Metrics;
import dev.shotover.api.Protocol;
import dev.shotover.api.valkey.ValkeyFrame;
import dev.shotover.protocols.valkey.RespFrameParser;
import dev.shotover.runtime.RuntimeContext;
import dev.shotover.runtime.net.HostAndPort;
import dev.shotover.runtime.sink.ResponseBatch;
import dev.shotover.runtime.sink.SinkConnection;
import dev.shotover.runtime.sink.SinkConnectException;
import dev.shotover.transforms.testing.TestMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pairing, flush batching, refusals and failure handling of {@code ValkeySinkShared}, with the backend connection
 * replaced by a fake link and the event loop by an {@link EmbeddedChannel}'s (tasks run when the test says so).
 */
class ValkeySinkSharedTest {
    private static final HostAndPort DESTINATION = HostAndPort.parse("127.0.0.1:6379");

    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final TestMetrics metrics = new TestMetrics();
    private final Metrics.Counter failed = metrics.counter("failed");
    private final List<FakeLink> links = new ArrayList<>();
    private final List<Message> toRelease = new ArrayList<>();

    @AfterEach
    void releaseEverything() {
        // a copy the shared connection made of a request shares its buffer's count: once every entry is answered
        // (or failed), only the request's own reference is left
        for (Message request : toRelease) {
            assertThat(request.rawBytes().refCnt()).as("references to %s", request).isEqualTo(1);
        }
        toRelease.forEach(Message::release);
        loop.finishAndReleaseAll();
    }

    /** Records what is written; the test plays the backend through its listener. */
    private final class FakeLink implements ValkeySinkSharedConnection.Link {
        final SinkConnection.Listener listener;
        final List<List<String>> writes = new ArrayList<>();
        boolean closed;

        FakeLink(SinkConnection.Listener listener) {
            this.listener = listener;
        }

        @Override
        public void send(List<Message> requests) {
            List<String> write = new ArrayList<>();
            for (Message request : requests) {
                write.add(commandText(request));
            }
            writes.add(write);
        }

        @Override
        public void close() {
            closed = true;
        }

        void reply(String resp) {
            listener.onMessage(raw(resp));
        }
    }

    private ValkeySinkSharedConnection connection(ValkeyFrame auth) {
        return new ValkeySinkSharedConnection(loop.eventLoop(), DESTINATION, (context, listener) -> {
            FakeLink link = new FakeLink(listener);
            links.add(link);
            return link;
        }, auth, null, failed);
    }

    private ValkeySinkShared client(ValkeySinkSharedConnection connection) {
        return new ValkeySinkShared((RuntimeContext) null, connection, failed);
    }

    private Message raw(String resp) {
        return Message.fromRaw(Protocol.VALKEY, Unpooled.copiedBuffer(resp, StandardCharsets.UTF_8),
                RespFrameParser.INSTANCE, System.nanoTime());
    }

    private static String resp(String... parts) {
        StringBuilder sb = new StringBuilder("*").append(parts.length).append("\r\n");
        for (String part : parts) {
            sb.append('$').append(part.length()).append("\r\n").append(part).append("\r\n");
        }
        return sb.toString();
    }

    /** A request as the source's codec makes it; released after the test, as the runtime would. */
    private Message request(String... parts) {
        Message message = raw(resp(parts));
        toRelease.add(message);
        return message;
    }

    private static String commandText(Message request) {
        ValkeyFrame.Array array = (ValkeyFrame.Array) request.frame(ValkeyFrame.class);
        List<String> parts = new ArrayList<>();
        for (ValkeyFrame element : array.elements()) {
            parts.add(((ValkeyFrame.BulkString) element).asString());
        }
        return String.join(" ", parts);
    }

    private static String render(Message response) {
        ValkeyFrame frame = response.frame(ValkeyFrame.class);
        if (frame instanceof ValkeyFrame.BulkString bulk) {
            return bulk.asString();
        }
        if (frame instanceof ValkeyFrame.Error error) {
            return "-" + error.message();
        }
        if (frame instanceof ValkeyFrame.SimpleString simple) {
            return "+" + simple.value();
        }
        if (frame instanceof ValkeyFrame.Integer integer) {
            return ":" + integer.value();
        }
        return frame.toString();
    }

    private record Run(List<Message> requests, ChainState state, CompletableFuture<List<Message>> done) {
        /** The responses rendered, checking each carries its request's id; releases them. */
        List<String> rendered() {
            List<Message> responses = done.join();
            assertThat(responses).hasSameSizeAs(requests);
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < responses.size(); i++) {
                assertThat(responses.get(i).requestId()).isEqualTo(requests.get(i).id());
                texts.add(render(responses.get(i)));
                responses.get(i).release();
            }
            return texts;
        }
    }

    private Run run(ValkeySinkShared client, Message... requests) {
        List<Message> batch = new ArrayList<>(List.of(requests));
        ChainState state = new ChainState("test-chain", null, batch, false,
                (index, s) -> CompletableFuture.failedFuture(new AssertionError("a sink calls nothing down-chain")));
        CompletionStage<List<Message>> stage = client.transform(state);
        return new Run(List.copyOf(batch), state, stage.toCompletableFuture());
    }

    @Test
    void requestsOfSeveralClientsLeaveInOneWritePerEventLoopTurnAndRepliesGoToTheirOwnClient() {
        ValkeySinkSharedConnection connection = connection(null);
        ValkeySinkShared a = client(connection);
        ValkeySinkShared b = client(connection);
        ValkeySinkShared c = client(connection);

        Run runA = run(a, request("GET", "a1"), request("GET", "a2"));
        Run runB = run(b, request("GET", "b1"));
        Run runC = run(c, request("GET", "c1"), request("GET", "c2"), request("GET", "c3"));
        assertThat(links).hasSize(1);
        assertThat(links.get(0).writes).as("nothing is written before the turn ends").isEmpty();

        loop.runPendingTasks();
        assertThat(links.get(0).writes).containsExactly(
                List.of("GET a1", "GET a2", "GET b1", "GET c1", "GET c2", "GET c3"));
        assertThat(connection.writes()).isEqualTo(1);
        assertThat(connection.requestsWritten()).isEqualTo(6);

        FakeLink link = links.get(0);
        for (String value : List.of("A1", "A2", "B1", "C1", "C2")) {
            link.reply("$2\r\n" + value + "\r\n");
        }
        assertThat(runA.done()).isDone();
        assertThat(runB.done()).isDone();
        assertThat(runC.done()).as("one reply still missing").isNotDone();
        link.reply("$2\r\nC3\r\n");

        assertThat(runA.rendered()).containsExactly("A1", "A2");
        assertThat(runB.rendered()).containsExactly("B1");
        assertThat(runC.rendered()).containsExactly("C1", "C2", "C3");
        assertThat(connection.outstanding()).isZero();
    }

    @Test
    void laterTurnsWriteAgainAndPipelinedRunsOfOneClientKeepTheirOrder() {
        ValkeySinkSharedConnection connection = connection(null);
        ValkeySinkShared a = client(connection);
        ValkeySinkShared b = client(connection);
        Run first = run(a, request("INCR", "x"));
        loop.runPendingTasks();
        Run second = run(a, request("INCR", "x"));
        Run other = run(b, request("GET", "y"));
        loop.runPendingTasks();
        assertThat(links.get(0).writes).containsExactly(List.of("INCR x"), List.of("INCR x", "GET y"));

        links.get(0).reply(":1\r\n");
        links.get(0).reply(":2\r\n");
        links.get(0).reply("$1\r\nY\r\n");
        assertThat(first.rendered()).containsExactly(":1");
        assertThat(second.rendered()).containsExactly(":2");
        assertThat(other.rendered()).containsExactly("Y");
    }

    @Test
    void commandsThatCannotBeSharedAreAnsweredInPlaceAndNeverSent() {
        ValkeySinkSharedConnection connection = connection(null);
        ValkeySinkShared client = client(connection);
        Run run = run(client, request("SET", "k", "v"), request("select", "1"), request("GET", "k"),
                request("SELECT", "0"), request("CLIENT", "SETNAME", "me"), request("CLIENT", "GETNAME"),
                request("MULTI"), request("BLPOP", "list", "0"), request("HELLO", "3"), request("AUTH", "pw"));
        loop.runPendingTasks();
        assertThat(links.get(0).writes).containsExactly(List.of("SET k v", "GET k"));
        links.get(0).reply("+OK\r\n");
        links.get(0).reply("$1\r\nv\r\n");

        List<String> answers = run.rendered();
        assertThat(answers.get(0)).isEqualTo("+OK");
        assertThat(answers.get(1)).startsWith("-ERR Shotover ValkeySinkShared does not support SELECT: ")
                .contains("database 0");
        assertThat(answers.get(2)).isEqualTo("v");
        assertThat(answers.get(3)).isEqualTo("+OK");
        assertThat(answers.get(4)).isEqualTo("+OK");
        assertThat(answers.get(5)).isEqualTo("me");
        assertThat(answers.get(6)).startsWith("-ERR Shotover ValkeySinkShared does not support MULTI: ");
        assertThat(answers.get(7)).startsWith("-ERR Shotover ValkeySinkShared does not support BLPOP: ")
                .contains("blocking");
        assertThat(answers.get(8)).isEqualTo("-NOPROTO unsupported protocol version");
        assertThat(answers.get(9)).startsWith("-ERR Shotover ValkeySinkShared does not support AUTH: ")
                .contains("authenticates");
        assertThat(failed.count()).as("SELECT 1, MULTI, BLPOP, HELLO 3, AUTH").isEqualTo(5.0);
    }

    @Test
    void everyRefusedCommandIsRefusedByName() {
        ValkeySinkShared client = client(connection(null));
        for (String name : ValkeySinkSharedCommands.refused().keySet()) {
            Run run = run(client, request(name.toLowerCase(java.util.Locale.ROOT), "arg"));
            assertThat(run.rendered()).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .startsWith("-ERR Shotover ValkeySinkShared does not support " + name + ": ");
        }
        assertThat(ValkeySinkSharedCommands.refused()).containsKeys("AUTH", "MULTI", "EXEC", "DISCARD", "WATCH",
                "UNWATCH", "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE",
                "MONITOR", "RESET", "BLPOP", "BRPOP", "BLMOVE", "BRPOPLPUSH", "BZPOPMIN", "BZPOPMAX", "BLMPOP",
                "BZMPOP", "WAIT", "WAITAOF");
        loop.runPendingTasks();
        assertThat(links).as("no backend connection was even opened").isEmpty();
    }

    @Test
    void argumentsDecideForXreadHelloAndClient() {
        ValkeySinkSharedConnection connection = connection(null);
        ValkeySinkShared client = client(connection);
        Run run = run(client, request("XREAD", "COUNT", "1", "STREAMS", "s", "0"),
                request("xread", "block", "0", "STREAMS", "s", "$"),
                request("XREADGROUP", "GROUP", "g", "c", "BLOCK", "10", "STREAMS", "s", ">"),
                request("HELLO"), request("HELLO", "2"), request("HELLO", "2", "SETNAME", "x"), request("HELLO", "x"),
                request("CLIENT", "KILL", "ID", "1"), request("CLIENT", "TRACKING", "on"),
                request("CLIENT", "SETINFO", "lib-name", "jedis"));
        loop.runPendingTasks();
        assertThat(links.get(0).writes).containsExactly(
                List.of("XREAD COUNT 1 STREAMS s 0", "HELLO", "HELLO 2"));
        links.get(0).reply("*0\r\n");
        links.get(0).reply("*0\r\n");
        links.get(0).reply("*0\r\n");
        List<String> answers = run.rendered();
        assertThat(answers.get(1)).startsWith("-ERR Shotover ValkeySinkShared does not support XREAD BLOCK: ");
        assertThat(answers.get(2)).startsWith("-ERR Shotover ValkeySinkShared does not support XREADGROUP BLOCK: ");
        assertThat(answers.get(5)).startsWith("-ERR Shotover ValkeySinkShared does not support HELLO with SETNAME");
        assertThat(answers.get(6)).isEqualTo("-ERR Protocol version is not an integer or out of range");
        assertThat(answers.get(7)).startsWith("-ERR Shotover ValkeySinkShared does not support CLIENT KILL: ");
        assertThat(answers.get(8)).startsWith("-ERR Shotover ValkeySinkShared does not support CLIENT TRACKING: ");
        assertThat(answers.get(9)).isEqualTo("+OK");
    }

    @Test
    void requestsThatAreNotArraysOfBulkStringsAreRefusedBecauseRedisWouldNotAnswerThemOnce() {
        ValkeySinkShared client = client(connection(null));
        for (String malformed : List.of("*0\r\n", "*-1\r\n", "*1\r\n+PING\r\n", "*1\r\n:1\r\n", "$4\r\nPING\r\n",
                "*2\r\n$3\r\nGET\r\n$-1\r\n", "*1\r\n*1\r\n$4\r\nPING\r\n")) {
            Message request = raw(malformed);
            toRelease.add(request);
            assertThat(ValkeySinkSharedCommands.lookup(request)).as(malformed)
                    .isEqualTo(ValkeySinkSharedCommands.MALFORMED);
            Run run = run(client, request);
            assertThat(run.rendered()).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .contains("only accepts commands sent as an array of bulk strings");
        }
        // generated requests (a transform up-chain made them) are looked at through their frame
        Message generated = Message.fromFrame(ValkeyFrame.command("select", "2"));
        assertThat(ValkeySinkSharedCommands.lookup(generated)).isNotEqualTo(ValkeySinkSharedCommands.FORWARD);
        assertThat(ValkeySinkSharedCommands.lookup(Message.fromFrame(ValkeyFrame.command("GET", "k"))))
                .isEqualTo(ValkeySinkSharedCommands.FORWARD);
    }

    @Test
    void quitIsAcknowledgedAndClosesTheClientConnectionAndNothingAfterItIsSent() {
        ValkeySinkSharedConnection connection = connection(null);
        ValkeySinkShared client = client(connection);
        Run run = run(client, request("GET", "k"), request("QUIT"), request("SET", "k", "after"));
        loop.runPendingTasks();
        assertThat(links.get(0).writes).containsExactly(List.of("GET k"));
        links.get(0).reply("$1\r\nv\r\n");
        List<String> answers = run.rendered();
        assertThat(answers.get(0)).isEqualTo("v");
        assertThat(answers.get(1)).isEqualTo("+OK");
        assertThat(answers.get(2)).contains("closing after QUIT");
        assertThat(run.state().closeClientConnection()).isTrue();
    }

    @Test
    void aClientThatClosesKeepsItsPlaceInTheFifoSoLaterRepliesStillPairCorrectly() {
        ValkeySinkSharedConnection connection = connection(null);
        ValkeySinkShared leaving = client(connection);
        ValkeySinkShared staying = client(connection);
        Run gone = run(leaving, request("GET", "1"), request("GET", "2"));
        Run kept = run(staying, request("GET", "3"));
        loop.runPendingTasks();
        leaving.close();
        assertThat(connection.outstanding()).isEqualTo(3);

        links.get(0).reply("$1\r\n1\r\n");
        links.get(0).reply("$1\r\n2\r\n");
        links.get(0).reply("$1\r\n3\r\n");
        assertThat(kept.rendered()).containsExactly("3");
        // the runtime releases the responses of a run whose client has gone; here the test does
        gone.done().join().forEach(Message::release);
    }

    @Test
    void aReplyForABatchThatFailedMeanwhileIsReleased() {
        ResponseBatch batch = new ResponseBatch(2);
        batch.fail(new IOException("the client connection closed"));
        Message late = raw("$1\r\nx\r\n");
        ByteBuf bytes = late.rawBytes();
        batch.put(0, late);
        assertThat(bytes.refCnt()).isZero();
        Message push = raw(resp("message", "ch", "x"));
        ByteBuf pushBytes = push.rawBytes();
        batch.putUnsolicited(1, push);
        assertThat(pushBytes.refCnt()).isZero();
    }

    @Test
    void aBackendFailureAnswersEveryClientsOutstandingRequestsAndTheNextRequestReconnects() {
        ValkeySinkSharedConnection connection = connection(null);
        ValkeySinkShared a = client(connection);
        ValkeySinkShared b = client(connection);
        Run runA = run(a, request("GET", "a"), request("GET", "a2"));
        Run runB = run(b, request("GET", "b"));
        loop.runPendingTasks();
        FakeLink first = links.get(0);
        first.reply("$1\r\nA\r\n");
        first.listener.onClosed(new IOException("The destination 127.0.0.1:6379 closed the connection"));

        String error = "-ERR Shotover ValkeySinkShared: The destination 127.0.0.1:6379 closed the connection";
        assertThat(runA.rendered()).containsExactly("A", error);
        assertThat(runB.rendered()).containsExactly(error);
        assertThat(first.closed).isTrue();
        assertThat(failed.count()).isEqualTo(2.0);

        // a reply the old connection still delivers is dropped, not paired with a new request
        first.reply("$5\r\nstale\r\n");
        Run again = run(a, request("GET", "a"));
        loop.runPendingTasks();
        assertThat(links).hasSize(2);
        assertThat(links.get(1).writes).containsExactly(List.of("GET a"));
        links.get(1).reply("$5\r\nfresh\r\n");
        assertThat(again.rendered()).containsExactly("fresh");
    }

    @Test
    void aFailedConnectNamesTheDestinationAndItsCause() {
        ValkeySinkSharedConnection connection = connection(null);
        Run run = run(client(connection), request("GET", "a"));
        loop.runPendingTasks();
        links.get(0).listener.onClosed(new SinkConnectException("Failed to connect to destination 127.0.0.1:6379",
                new IOException("Connection refused")));
        assertThat(run.rendered()).containsExactly(
                "-ERR Shotover ValkeySinkShared: Failed to connect to destination 127.0.0.1:6379: Connection refused");
    }

    @Test
    void theSinksOwnAuthGoesFirstOnEveryConnectionAndAFailedAuthFailsTheConnection() {
        ValkeySinkSharedConnection connection = connection(ValkeyFrame.command("AUTH", "proxy", "secret"));
        ValkeySinkShared client = client(connection);
        Run first = run(client, request("GET", "k"));
        loop.runPendingTasks();
        assertThat(links.get(0).writes).containsExactly(List.of("AUTH proxy secret", "GET k"));
        links.get(0).reply("+OK\r\n");
        links.get(0).reply("$1\r\nv\r\n");
        assertThat(first.rendered()).containsExactly("v");

        links.get(0).listener.onClosed(new IOException("gone"));
        Run second = run(client, request("GET", "k"));
        loop.runPendingTasks();
        assertThat(links.get(1).writes).containsExactly(List.of("AUTH proxy secret", "GET k"));
        links.get(1).reply("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
        assertThat(second.rendered()).containsExactly("-ERR Shotover ValkeySinkShared: Authentication to destination"
                + " 127.0.0.1:6379 failed: WRONGPASS invalid username-password pair or user is disabled.");
        assertThat(links.get(1).closed).isTrue();
    }

    @Test
    void connectionsAreHandedOutInTurn() {
        List<ValkeySinkSharedConnection> made = new ArrayList<>();
        ValkeySinkSharedConnections connections = new ValkeySinkSharedConnections(2, i -> {
            ValkeySinkSharedConnection c = connection(null);
            made.add(c);
            return c;
        });
        assertThat(List.of(connections.next(), connections.next(), connections.next()))
                .containsExactly(made.get(0), made.get(1), made.get(0));
    }
}
