package dev.shotover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shotover.api.BuildContext;
import dev.shotover.api.ChainState;
import dev.shotover.api.DownChainProtocol;
import dev.shotover.api.Message;
import dev.shotover.api.MessageId;
import dev.shotover.api.Metrics;
import dev.shotover.api.Protocol;
import dev.shotover.api.Transform;
import dev.shotover.api.TransformBuilder;
import dev.shotover.api.TransformConfig;
import dev.shotover.api.TransformContext;
import dev.shotover.api.UpChainProtocol;
import dev.shotover.api.valkey.ValkeyFrame;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TransformTesterTest {

    /** Replaces every GET reply with a fixed value, pairing by id; counts replacements. */
    record RewriteConfig(String name, String result) implements TransformConfig {
        @Override
        public TransformBuilder builder(BuildContext context) {
            Metrics.Counter rewritten = context.metrics().counter("test_rewritten_count",
                    "chain", context.chainName(), "transform", context.transformTypeName());
            List<String> problems = result == null || result.isEmpty() ? List.of("result must not be empty") : List.of();
            Transform shared = state -> {
                Set<MessageId> gets = new HashSet<>();
                for (Message request : state.requests()) {
                    if ("GET".equals(request.frame(ValkeyFrame.class).commandName())) {
                        gets.add(request.id());
                    }
                }
                return state.callNextTransform().thenApply(responses -> {
                    for (Message response : responses) {
                        if (gets.contains(response.requestId())) {
                            response.setFrame(ValkeyFrame.bulk(result));
                            rewritten.increment();
                        }
                    }
                    return responses;
                });
            };
            return new TransformBuilder() {
                @Override
                public Transform build(TransformContext connection) {
                    return shared;
                }

                @Override
                public List<String> validate() {
                    return problems;
                }
            };
        }

        @Override
        public UpChainProtocol upChainProtocol() {
            return UpChainProtocol.oneOf(Protocol.VALKEY);
        }
    }

    /** A transform given as a function of the state, for contract tests. */
    private static TransformTester testerFor(Function<ChainState, CompletionStage<List<Message>>> body) {
        return TransformTester.forTransform(body::apply).terminating(false);
    }

    @Test
    void runsATransformFromItsConfigAgainstAFakeValkey() {
        FakeValkey store = new FakeValkey();
        TransformTester tester = TransformTester.forConfig(new RewriteConfig(null, "Rewritten value"))
                .downChain(ScriptedDownChain.fakeValkey(store));

        tester.sendValkey("SET foo bar", "GET foo", "GET missing")
                .assertPassedDownValkey("SET foo bar", "GET foo", "GET missing")
                .assertResponses(ValkeyFrame.ok(), ValkeyFrame.bulk("Rewritten value"),
                        ValkeyFrame.bulk("Rewritten value"));

        assertThat(store.get("foo")).isEqualTo("bar");
        assertThat(tester.metrics().count("test_rewritten_count", "transform", "Rewrite", "chain", "test"))
                .isEqualTo(2.0);
    }

    @Test
    void pairsResponsesByRequestAndRecordsEveryBatch() {
        ScriptedDownChain backend = ScriptedDownChain.answeringValkey(command -> ValkeyFrame.bulk("backend"));
        TransformTester tester = TransformTester.forConfig(new RewriteConfig("rewriter", "x")).downChain(backend);
        Message set = ValkeyMessages.request("SET k v");
        Message get = ValkeyMessages.request("GET k");

        ChainRun run = tester.send(set, get);
        tester.sendValkey("GET other");

        run.assertResponse(set, ValkeyFrame.bulk("backend")).assertResponse(get, ValkeyFrame.bulk("x"));
        assertThat(run.responseTo(get).requestId()).isEqualTo(get.id());
        assertThat(backend.calls()).hasSize(2);
        assertThat(backend.calls().get(0).describedRequests()).containsExactly("SET k v", "GET k");
        assertThat(backend.calls().get(1).describedRequests()).containsExactly("GET other");
        assertThat(backend.allPassedDown()).hasSize(3);
    }

    @Test
    void theBuilderSeesTheChainNameTypeNameAndProtocol() {
        List<BuildContext> seen = new ArrayList<>();
        TransformConfig config = new TransformConfig() {
            @Override
            public String name() {
                return "mine";
            }

            @Override
            public TransformBuilder builder(BuildContext context) {
                seen.add(context);
                return connection -> state -> state.callNextTransform();
            }
        };
        TransformTester tester = TransformTester.forConfig(config).typeName("MyType").chainName("main")
                .downChain(ScriptedDownChain.answeringValkey(c -> ValkeyFrame.ok()));

        tester.sendValkey("PING").assertResponses(ValkeyFrame.ok());

        assertThat(seen).singleElement().satisfies(context -> {
            assertThat(context.chainName()).isEqualTo("main");
            assertThat(context.transformName()).isEqualTo("mine");
            assertThat(context.transformTypeName()).isEqualTo("MyType");
            assertThat(context.upChainProtocol()).isEqualTo(Protocol.VALKEY);
            assertThat(context.metrics()).isSameAs(tester.metrics());
        });
        assertThat(tester.downChain().lastCall().chainName()).isEqualTo("main");
    }

    @Test
    void configurationProblemsFailTheFirstRunAsTheProxyWouldRefuseToStart() {
        TransformTester tester = TransformTester.forConfig(new RewriteConfig(null, ""));

        assertThat(tester.validationProblems()).containsExactly("result must not be empty");
        assertThatThrownBy(() -> tester.sendValkey("GET foo"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("reported configuration problems: [result must not be empty]");
    }

    @Test
    void aProtocolTheTransformDoesNotAcceptFailsWithTheRuntimesMessage() {
        TransformTester tester = TransformTester.forConfig(new RewriteConfig(null, "x")).protocol(Protocol.CASSANDRA);

        assertThatThrownBy(tester::builder)
                .hasMessage("Transform Rewrite requires upchain protocol to be one of [Valkey] but was Cassandra");
    }

    @Test
    void setUpAfterTheFirstRunIsRefused() {
        TransformTester tester = TransformTester.forConfig(new RewriteConfig(null, "x"))
                .downChain(ScriptedDownChain.fakeValkey());
        tester.sendValkey("GET a").responses();

        assertThatThrownBy(() -> tester.chainName("other")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aMissingResponseIsReportedWithTheRequest() {
        TransformTester tester = testerFor(state -> state.callNextTransform()
                .thenApply(responses -> new ArrayList<>(responses.subList(0, 1))))
                .downChain(ScriptedDownChain.fakeValkey());

        ChainRun run = tester.sendValkey("SET a 1", "GET a");

        assertThatThrownBy(run::responses)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("request GET a got no response");
    }

    @Test
    void aResponseToAnAddedRequestThatWasNotRemovedIsReported() {
        TransformTester tester = testerFor(state -> {
            state.requests().add(ValkeyMessages.request("PING"));
            return state.callNextTransform();
        }).downChain(ScriptedDownChain.fakeValkey());

        assertThatThrownBy(() -> tester.sendValkey("GET a").responses())
                .hasMessageContaining("response +PONG answers no request of this run");
    }

    @Test
    void responsesOutOfOrderAreReportedForValkeyButNotForCassandra() {
        Function<ChainState, CompletionStage<List<Message>>> reversing = state -> state.callNextTransform()
                .thenApply(responses -> {
                    List<Message> reversed = new ArrayList<>(responses);
                    Collections.reverse(reversed);
                    return reversed;
                });
        TransformTester valkey = testerFor(reversing).downChain(ScriptedDownChain.fakeValkey());
        assertThatThrownBy(() -> valkey.sendValkey("SET a 1", "GET a").responses())
                .hasMessageContaining("Valkey is an in-order protocol, but the response to SET a 1 comes after");

        // The frames are Valkey frames only because the kit builds those; the order rule is the protocol's.
        TransformTester unordered = testerFor(reversing).protocol(Protocol.CASSANDRA)
                .downChain(ScriptedDownChain.fakeValkey());
        assertThat(unordered.sendValkey("SET a 1", "GET a").responses()).hasSize(2);
    }

    @Test
    void aDuplicateResponseIsReported() {
        TransformTester tester = testerFor(state -> state.callNextTransform().thenApply(responses -> {
            List<Message> doubled = new ArrayList<>(responses);
            doubled.add(Message.responseTo(state.requests().get(0), ValkeyFrame.ok()));
            return doubled;
        })).downChain(ScriptedDownChain.fakeValkey());

        assertThatThrownBy(() -> tester.sendValkey("PING").responses())
                .hasMessageContaining("request PING got more than one response");
    }

    @Test
    void unsolicitedResponsesAreAllowedAnywhere() {
        TransformTester tester = testerFor(state -> state.callNextTransform().thenApply(responses -> {
            List<Message> withPush = new ArrayList<>();
            withPush.add(Message.fromFrame(new ValkeyFrame.Push(List.of(ValkeyFrame.bulk("message")))));
            withPush.addAll(responses);
            return withPush;
        })).downChain(ScriptedDownChain.fakeValkey());

        tester.sendValkey("PING").assertResponses(new ValkeyFrame.Push(List.of(ValkeyFrame.bulk("message"))),
                new ValkeyFrame.SimpleString("PONG"));
    }

    @Test
    void aNonTerminatingTransformMustCallDownChainExactlyOnceAlsoForEmptyBatches() {
        TransformTester skipsEmpty = testerFor(state -> state.requests().isEmpty()
                ? CompletableFuture.completedFuture(List.of()) : state.callNextTransform())
                .downChain(ScriptedDownChain.fakeValkey());
        assertThatThrownBy(() -> skipsEmpty.flush().responses())
                .hasMessageContaining("must call down-chain exactly once per run")
                .hasMessageContaining("called 0 time(s)");

        TransformTester twice = testerFor(state -> state.callNextTransform()
                .thenCompose(first -> state.callNextTransform()))
                .downChain(ScriptedDownChain.fakeValkey());
        assertThatThrownBy(() -> twice.sendValkey("PING").responses()).hasMessageContaining("called 2 time(s)");
    }

    @Test
    void aTerminatingTransformMustNotCallDownChain() {
        TransformConfig sink = new TransformConfig() {
            @Override
            public String name() {
                return null;
            }

            @Override
            public TransformBuilder builder(BuildContext context) {
                return connection -> state -> state.callNextTransform();
            }

            @Override
            public DownChainProtocol downChainProtocol() {
                return DownChainProtocol.terminating();
            }
        };
        TransformTester tester = TransformTester.forConfig(sink).downChain(ScriptedDownChain.fakeValkey());

        assertThatThrownBy(() -> tester.sendValkey("PING").responses())
                .hasMessageContaining("a terminating transform must not call down-chain, but it called 1 time(s)");
    }

    @Test
    void withoutADownChainACallFailsTheRunWithAnExplanation() {
        TransformTester tester = testerFor(ChainState::callNextTransform);

        assertThat(tester.sendValkey("GET a").failure())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("the test gave no down-chain");
    }

    @Test
    void aFailingDownChainFailsTheRun() {
        TransformTester tester = testerFor(ChainState::callNextTransform)
                .downChain(ScriptedDownChain.failingWith(new IOException("connection reset")));

        ChainRun run = tester.sendValkey("GET a").assertFailedWith("connection reset");
        assertThat(run.failure()).isInstanceOf(IOException.class);
        assertThatThrownBy(run::responses).hasMessageContaining("the run failed: java.io.IOException: connection reset");
    }

    @Test
    void anExceptionThrownByTheTransformFailsTheRunLikeAFailedStage() {
        TransformTester tester = testerFor(state -> {
            throw new IllegalStateException("boom");
        });

        assertThat(tester.sendValkey("GET a").failure()).isInstanceOf(IllegalStateException.class).hasMessage("boom");
    }

    @Test
    void assertFailedWithRejectsASuccessfulRun() {
        TransformTester tester = testerFor(ChainState::callNextTransform).downChain(ScriptedDownChain.fakeValkey());

        assertThatThrownBy(() -> tester.sendValkey("PING").assertFailedWith("x"))
                .hasMessageContaining("expected the run to fail, but it completed with [+PONG]");
    }

    @Test
    void aManualDownChainLetsRunsOverlapAndBeAnsweredOutOfOrder() {
        ScriptedDownChain manual = ScriptedDownChain.manual();
        TransformTester tester = TransformTester.forConfig(new RewriteConfig(null, "x")).downChain(manual);

        ChainRun first = tester.sendValkey("GET a");
        ChainRun second = tester.sendValkey("SET b 2");
        assertThat(first.isComplete()).isFalse();
        assertThat(manual.pendingCalls()).hasSize(2);

        manual.pendingCalls().get(1).respondEach(request -> ValkeyFrame.ok());
        second.assertResponses(ValkeyFrame.ok());
        assertThat(first.isComplete()).isFalse();

        first.downChainCalls().get(0).respondEach(request -> ValkeyFrame.bulk("real"));
        first.assertResponses(ValkeyFrame.bulk("x"));
        assertThat(manual.pendingCalls()).isEmpty();
    }

    @Test
    void waitingForAStageThatNobodyCompletesFailsAtOnceAndSaysWhy() {
        TransformTester tester = TransformTester.forConfig(new RewriteConfig(null, "x"))
                .downChain(ScriptedDownChain.manual());

        ChainRun run = tester.sendValkey("GET a");

        assertThatThrownBy(run::responses)
                .hasMessageContaining("did not complete")
                .hasMessageContaining("Unanswered down-chain calls of this run: [#0 [GET a] unanswered]");
    }

    @Test
    void stagesCompletedThroughTheEventLoopAreDrivenByTheTester() {
        // Completes on the event loop, as a transform must when its result comes from elsewhere.
        TransformTester tester = TransformTester.forBuilder(context -> state -> {
            CompletableFuture<List<Message>> done = new CompletableFuture<>();
            state.callNextTransform().thenAccept(responses -> context.eventLoop().execute(() -> done.complete(responses)));
            return done;
        }).terminating(false).downChain(ScriptedDownChain.fakeValkey());

        ChainRun run = tester.sendValkey("PING");

        run.assertResponses(new ValkeyFrame.SimpleString("PONG"));
    }

    @Test
    void timersRunWhenTheTestMovesTheVirtualClock() {
        // Answers with an error when the down-chain has not answered within one second.
        TransformTester tester = TransformTester.forBuilder(context -> state -> {
            List<Message> requests = List.copyOf(state.requests());
            CompletableFuture<List<Message>> result = new CompletableFuture<>();
            context.eventLoop().schedule(() -> {
                List<Message> errors = new ArrayList<>();
                for (Message request : requests) {
                    errors.add(request.errorResponse(dev.shotover.api.ErrorKind.INTERNAL, "timed out"));
                }
                result.complete(errors);
            }, 1, TimeUnit.SECONDS);
            state.callNextTransform().thenAccept(result::complete);
            return result;
        }).terminating(false).downChain(ScriptedDownChain.manual());

        ChainRun run = tester.sendValkey("GET slow");
        assertThatThrownBy(run::responses).hasMessageContaining("the next in PT1S");

        tester.eventLoop().advanceTimeBy(Duration.ofMillis(999));
        assertThat(run.isComplete()).isFalse();
        tester.eventLoop().advanceTimeBy(Duration.ofMillis(1));
        run.assertResponses(ValkeyFrame.error("ERR timed out"));
    }

    @Test
    void flushAndForcedRunsCarryAnEmptyBatch() {
        TransformTester tester = TransformTester.forBuilder(context -> state -> {
            context.forceRunChain();
            return state.callNextTransform();
        }).terminating(false).downChain(ScriptedDownChain.fakeValkey());

        tester.flush().assertPassedDownValkey().assertResponses();
        tester.runForced().assertNothingPassedDown();

        List<DownChainCall> calls = tester.downChain().calls();
        assertThat(calls).extracting(DownChainCall::flush).containsExactly(true, false);
        assertThat(tester.context().forceRunRequests()).isEqualTo(2);
    }

    @Test
    void assertPassedDownReportsTheDifference() {
        TransformTester tester = testerFor(state -> {
            state.requests().remove(0);
            return state.callNextTransform();
        }).downChain(ScriptedDownChain.fakeValkey());

        ChainRun run = tester.sendValkey("SET a 1", "GET a");

        assertThatThrownBy(() -> run.assertPassedDownValkey("SET a 1", "GET a"))
                .hasMessageContaining("expected: [SET a 1, GET a]")
                .hasMessageContaining("but was:  [GET a]");
        run.assertPassedDownValkey("GET a");
    }

    @Test
    void closeClosesTheTransformAndTheBuilderItMade() {
        AtomicBoolean transformClosed = new AtomicBoolean();
        AtomicBoolean builderClosed = new AtomicBoolean();
        TransformConfig config = new TransformConfig() {
            @Override
            public String name() {
                return null;
            }

            @Override
            public TransformBuilder builder(BuildContext context) {
                return new TransformBuilder() {
                    @Override
                    public Transform build(TransformContext connection) {
                        return new Transform() {
                            @Override
                            public CompletionStage<List<Message>> transform(ChainState state) {
                                return state.callNextTransform();
                            }

                            @Override
                            public void close() {
                                transformClosed.set(true);
                            }
                        };
                    }

                    @Override
                    public void close() {
                        builderClosed.set(true);
                    }
                };
            }
        };
        TransformTester tester = TransformTester.forConfig(config).downChain(ScriptedDownChain.fakeValkey());
        tester.sendValkey("PING").responses();

        tester.close();
        tester.close();

        assertThat(transformClosed).isTrue();
        assertThat(builderClosed).isTrue();
        assertThatThrownBy(() -> tester.sendValkey("PING")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theStateSeesTheChainNameAndAskingToCloseTheConnectionIsVisible() {
        TransformTester tester = testerFor(state -> {
            state.setCloseClientConnection(true);
            return state.callNextTransform();
        }).chainName("main").downChain(ScriptedDownChain.fakeValkey());

        ChainRun run = tester.sendValkey("QUIT");

        assertThat(run.closeClientConnection()).isTrue();
        assertThat(run.state().chainName()).isEqualTo("main");
        assertThat(run.state().localAddress()).isEqualTo(TransformTester.LISTEN_ADDRESS);
        run.assertResponses(ValkeyFrame.error("ERR unknown command 'QUIT', with args beginning with: "));
    }
}
