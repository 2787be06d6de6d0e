package dev.shotover.proxy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Client load through the proxy that checks every answer while the cluster behind it changes (slots migrating, a
 * failover). Two client threads, each on its own keys and one connection for the whole run:
 * <ul>
 *   <li>Jedis, one command at a time: {@code SET key <unique value>} then {@code GET key}, and now and then an
 *       {@code MGET} over several keys of different slots;</li>
 *   <li>Lettuce, pipelined: a window of {@code SET}/{@code GET} pairs sent back to back before any answer is read,
 *       so that several chain runs of one client connection are in flight at once.</li>
 * </ul>
 * An answer is <em>wrong</em> when a GET/MGET returns a value that the key could not hold at that moment: after an
 * acknowledged SET only that value is possible; after a SET that failed either the older or the attempted value
 * (the failure may have happened after the node applied it). Error replies are counted by their first word, not
 * judged here: the caller decides which errors are acceptable as transient.
 *
 * <p>Thread-safe: {@link #stop()} is called from the test thread while the load threads run.
 */
final class VerifyingValkeyLoad {
    private static final int LETTUCE_WINDOW = 16;

    private final InetSocketAddress address;
    private final List<String> jedisKeys;
    private final List<String> lettuceKeys;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong operations = new AtomicLong();
    private final List<String> wrongAnswers = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    private final List<String> errorSamples = Collections.synchronizedList(new ArrayList<>());
    /** Per key: the values a GET may return now (the thread owning the key is the only writer). */
    private final Map<String, Set<String>> possible = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Throwable> crashes = Collections.synchronizedList(new ArrayList<>());

    private VerifyingValkeyLoad(InetSocketAddress address, List<String> jedisKeys, List<String> lettuceKeys) {
        this.address = address;
        this.jedisKeys = List.copyOf(jedisKeys);
        this.lettuceKeys = List.copyOf(lettuceKeys);
    }

    /**
     * Writes every key once (so that a GET has a known answer from the start), then starts the two load threads.
     * The two key lists must not overlap.
     */
    static VerifyingValkeyLoad start(InetSocketAddress address, List<String> jedisKeys, List<String> lettuceKeys) {
        VerifyingValkeyLoad load = new VerifyingValkeyLoad(address, jedisKeys, lettuceKeys);
        try (Jedis jedis = load.jedis()) {
            for (String key : load.allKeys()) {
                String value = key + "#initial";
                if (!"OK".equals(jedis.set(key, value))) {
                    throw new IllegalStateException("could not seed " + key);
                }
                load.possible.put(key, new HashSet<>(Set.of(value)));
            }
        }
        load.threads.add(new Thread(load::runJedis, "load-jedis"));
        load.threads.add(new Thread(load::runLettuce, "load-lettuce"));
        for (Thread thread : load.threads) {
            thread.setDaemon(true);
            thread.start();
        }
        return load;
    }

    /** The answers checked so far (SET, GET and MGET replies), errors included. */
    long operations() {
        return operations.get();
    }

    /** Stops the load threads (waiting for them) and reports what they saw. */
    Outcome stop() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(90));
            if (thread.isAlive()) {
                crashes.add(new AssertionError(thread.getName() + " did not stop within 90 s"));
            }
        }
        Map<String, Long> errorCounts = new TreeMap<>();
        errors.forEach((kind, count) -> errorCounts.put(kind, count.get()));
        Map<String, Set<String>> finalValues = new HashMap<>();
        possible.forEach((key, values) -> finalValues.put(key, Set.copyOf(values)));
        return new Outcome(operations.get(), List.copyOf(wrongAnswers), errorCounts, List.copyOf(errorSamples),
                List.copyOf(crashes), finalValues);
    }

    /**
     * What the load saw.
     *
     * @param finalValues per key, the values it may hold now that the load stopped (one unless its last SET failed)
     */
    record Outcome(long operations, List<String> wrongAnswers, Map<String, Long> errorsByKind,
                   List<String> errorSamples, List<Throwable> crashes, Map<String, Set<String>> finalValues) {
        long errorCount() {
            return errorsByKind.values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public String toString() {
            return operations + " answers checked, " + wrongAnswers.size() + " wrong, errors " + errorsByKind
                    + (errorSamples.isEmpty() ? "" : " e.g. " + errorSamples);
        }
    }

    private List<String> allKeys() {
        List<String> all = new ArrayList<>(jedisKeys);
        all.addAll(lettuceKeys);
        return all;
    }

    private Jedis jedis() {
        return new Jedis(address.getHostString(), address.getPort(), 30_000);
    }

    private void runJedis() {
        try (Jedis jedis = jedis()) {
            long round = 0;
            while (running.get()) {
                String key = jedisKeys.get((int) (round % jedisKeys.size()));
                String value = key + "#" + round;
                try {
                    String reply = jedis.set(key, value);
                    operations.incrementAndGet();
                    if ("OK".equals(reply)) {
                        acknowledged(key, value);
                    } else {
                        wrong("SET " + key + " answered " + reply);
                        attempted(key, value);
                    }
                } catch (JedisDataException e) {
                    error(e.getMessage());
                    attempted(key, value);
                }
                try {
                    String got = jedis.get(key);
                    operations.incrementAndGet();
                    check("GET", key, got);
                } catch (JedisDataException e) {
                    error(e.getMessage());
                }
                if (round % 8 == 0 && jedisKeys.size() >= 5) {
                    List<String> keys = new ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                        keys.add(jedisKeys.get((int) ((round + i * 7) % jedisKeys.size())));
                    }
                    try {
                        List<String> got = jedis.mget(keys.toArray(String[]::new));
                        operations.incrementAndGet();
                        for (int i = 0; i < keys.size(); i++) {
                            check("MGET", keys.get(i), got.get(i));
                        }
                    } catch (JedisDataException e) {
                        error(e.getMessage());
                    }
                }
                round++;
            }
        } catch (Throwable t) {
            crashes.add(t);
        }
    }

    private void runLettuce() {
        RedisClient client = RedisClient.create(RedisURI.create("redis://" + address.getHostString() + ":"
                + address.getPort()));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisAsyncCommands<String, String> async = connection.async();
            long round = 0;
            int next = 0;
            while (running.get()) {
                List<String> keys = new ArrayList<>();
                List<String> values = new ArrayList<>();
                List<RedisFuture<String>> sets = new ArrayList<>();
                List<RedisFuture<String>> gets = new ArrayList<>();
                for (int i = 0; i < Math.min(LETTUCE_WINDOW, lettuceKeys.size()); i++) {
                    String key = lettuceKeys.get(next++ % lettuceKeys.size());
                    String value = key + "#" + round;
                    keys.add(key);
                    values.add(value);
                    // each command is written on its own: the proxy may read them as several batches
                    sets.add(async.set(key, value));
                    gets.add(async.get(key));
                }
                for (int i = 0; i < keys.size(); i++) {
                    String key = keys.get(i);
                    try {
                        String reply = sets.get(i).get(60, TimeUnit.SECONDS);
                        operations.incrementAndGet();
                        if ("OK".equals(reply)) {
                            acknowledged(key, values.get(i));
                        } else {
                            wrong("SET " + key + " answered " + reply);
                            attempted(key, values.get(i));
                        }
                    } catch (ExecutionException e) {
                        error(e.getCause().getMessage());
                        attempted(key, values.get(i));
                    }
                    try {
                        String got = gets.get(i).get(60, TimeUnit.SECONDS);
                        operations.incrementAndGet();
                        check("pipelined GET", key, got);
                    } catch (ExecutionException e) {
                        error(e.getCause().getMessage());
                    }
                }
                round++;
            }
        } catch (Throwable t) {
            // a timeout or an interrupted wait included: the load did not run to the end
            crashes.add(t);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private void acknowledged(String key, String value) {
        possible.put(key, new HashSet<>(Set.of(value)));
    }

    private void attempted(String key, String value) {
        possible.get(key).add(value);
    }

    private void check(String command, String key, String got) {
        Set<String> allowed = possible.get(key);
        if (!allowed.contains(got)) {
            wrong(command + " " + key + " returned " + got + " but it could only hold " + allowed);
        } else if (allowed.size() > 1) {
            // the read settles which of the possible values the key holds
            possible.put(key, new HashSet<>(Set.of(got)));
        }
    }

    private void wrong(String what) {
        wrongAnswers.add(what);
    }

    private void error(String message) {
        String text = String.valueOf(message);
        int space = text.indexOf(' ');
        String kind = space > 0 ? text.substring(0, space) : text;
        if (text.startsWith("ERR Shotover")) {
            kind = "ERR Shotover";
        }
        errors.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        if (errorSamples.size() < 5) {
            errorSamples.add(text);
        }
    }
}
