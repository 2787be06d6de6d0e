package dev.shotover.transforms.valkey.timestamp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The commands {@link RedisTimestampTagger} wraps, whether each one writes, and where its keys are. Everything
 * else passes through untouched and its reply carries no timestamp.
 *
 * <p>A fixed list rather than "every command with a key" because a command run inside a Lua script behaves
 * differently in ways clients notice: blocking commands ({@code BLPOP}, {@code XREAD BLOCK}) stop blocking, and
 * commands flagged {@code noscript} (transactions, pub/sub, connection state) are refused. Reads of several keys
 * ({@code MGET}) are left out too: one timestamp cannot say which key of the reply is newer.
 *
 * <p>Immutable; safe from any thread.
 */
final class TaggedCommands {

    /** Where a command's keys are among its arguments (argument 0 is the command name). */
    enum KeySpec {
        /** The key is argument 1. */
        FIRST,
        /** Arguments 1 and 2 are keys ({@code RENAME src dst}). */
        FIRST_TWO,
        /** Every argument is a key ({@code DEL k1 k2}). */
        ALL,
        /** Arguments 1, 3, 5... are keys, each followed by its value ({@code MSET k1 v1 k2 v2}). */
        KEY_VALUE_PAIRS
    }

    /** A command the tagger wraps. */
    record Command(boolean write, KeySpec keys) {
        /**
         * {@return the positions of the keys among {@code argumentCount} arguments (the command name included), or
         * null when the arguments do not have the shape the command needs; the server then reports the error}
         */
        int[] keyPositions(int argumentCount) {
            switch (keys) {
                case FIRST:
                    return argumentCount >= 2 ? new int[] {1} : null;
                case FIRST_TWO:
                    return argumentCount >= 3 ? new int[] {1, 2} : null;
                case ALL: {
                    if (argumentCount < 2 || (!write && argumentCount != 2)) {
                        return null;
                    }
                    int[] positions = new int[argumentCount - 1];
                    for (int i = 0; i < positions.length; i++) {
                        positions[i] = i + 1;
                    }
                    return positions;
                }
                case KEY_VALUE_PAIRS: {
                    if (argumentCount < 3 || argumentCount % 2 == 0) {
                        return null;
                    }
                    int[] positions = new int[(argumentCount - 1) / 2];
                    for (int i = 0; i < positions.length; i++) {
                        positions[i] = 1 + 2 * i;
                    }
                    return positions;
                }
                default:
                    throw new IllegalStateException(keys.name());
            }
        }
    }

    private static final Map<String, Command> COMMANDS = new HashMap<>();

    static {
        reads(KeySpec.FIRST, "GET", "GETRANGE", "SUBSTR", "STRLEN", "GETBIT", "BITCOUNT", "BITPOS", "BITFIELD_RO",
                "HGET", "HMGET", "HGETALL", "HKEYS", "HVALS", "HLEN", "HEXISTS", "HSTRLEN", "HRANDFIELD",
                "LRANGE", "LINDEX", "LLEN", "LPOS",
                "SMEMBERS", "SISMEMBER", "SMISMEMBER", "SCARD", "SRANDMEMBER",
                "ZRANGE", "ZRANGEBYSCORE", "ZRANGEBYLEX", "ZREVRANGE", "ZREVRANGEBYSCORE", "ZREVRANGEBYLEX",
                "ZSCORE", "ZMSCORE", "ZRANK", "ZREVRANK", "ZCARD", "ZCOUNT", "ZLEXCOUNT", "ZRANDMEMBER",
                "XRANGE", "XREVRANGE", "XLEN",
                "TYPE", "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME", "DUMP");
        // with exactly one key only: keyPositions refuses more
        reads(KeySpec.ALL, "EXISTS", "PFCOUNT");
        writes(KeySpec.FIRST, "SET", "SETNX", "SETEX", "PSETEX", "GETSET", "GETDEL", "GETEX", "APPEND", "SETRANGE",
                "SETBIT", "BITFIELD", "INCR", "INCRBY", "INCRBYFLOAT", "DECR", "DECRBY",
                "HSET", "HSETNX", "HMSET", "HDEL", "HINCRBY", "HINCRBYFLOAT",
                "LPUSH", "RPUSH", "LPUSHX", "RPUSHX", "LPOP", "RPOP", "LSET", "LREM", "LTRIM", "LINSERT",
                "SADD", "SREM", "SPOP",
                "ZADD", "ZREM", "ZINCRBY", "ZPOPMIN", "ZPOPMAX", "ZREMRANGEBYSCORE", "ZREMRANGEBYRANK",
                "ZREMRANGEBYLEX",
                "PFADD", "XADD", "XDEL", "XTRIM",
                "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT", "PERSIST");
        writes(KeySpec.FIRST_TWO, "RENAME", "RENAMENX", "RPOPLPUSH", "LMOVE", "SMOVE", "COPY");
        writes(KeySpec.ALL, "DEL", "UNLINK");
        writes(KeySpec.KEY_VALUE_PAIRS, "MSET", "MSETNX");
    }

    private TaggedCommands() {
    }

    private static void reads(KeySpec keys, String... names) {
        register(new Command(false, keys), names);
    }

    private static void writes(KeySpec keys, String... names) {
        register(new Command(true, keys), names);
    }

    private static void register(Command command, String... names) {
        for (String name : names) {
            if (COMMANDS.put(name, command) != null) {
                throw new IllegalStateException("command listed twice: " + name);
            }
        }
    }

    /**
     * {@return the command named {@code upperCaseName}, or null when the tagger leaves it alone}
     *
     * @param upperCaseName the command name, upper case
     */
    static Command lookup(String upperCaseName) {
        return COMMANDS.get(upperCaseName);
    }

    /** {@return every wrapped command name, sorted (for documentation and tests)} */
    static List<String> names() {
        List<String> names = new ArrayList<>(COMMANDS.keySet());
        names.sort(null);
        return names;
    }
}
