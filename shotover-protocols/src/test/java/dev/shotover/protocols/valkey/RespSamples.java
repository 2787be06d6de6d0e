package dev.shotover.protocols.valkey;

import dev.shotover.api.valkey.ValkeyFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Canonical RESP messages of every type with the frame each one parses to. */
final class RespSamples {
    private RespSamples() {
    }

    record Sample(String name, String wire, ValkeyFrame frame) {
        byte[] bytes() {
            return RespSamples.bytes(wire);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** An unpooled heap copy; callers release it like any other buffer. */
    static ByteBuf buffer(String latin1) {
        return Unpooled.wrappedBuffer(bytes(latin1));
    }

    static String string(ByteBuf buf) {
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    static ValkeyFrame.BulkString bulk(String s) {
        return ValkeyFrame.bulk(s);
    }

    static List<Sample> all() {
        List<Sample> s = new ArrayList<>();
        s.add(new Sample("simple string", "+OK\r\n", new ValkeyFrame.SimpleString("OK")));
        s.add(new Sample("empty simple string", "+\r\n", new ValkeyFrame.SimpleString("")));
        s.add(new Sample("utf-8 simple string", "+h\u00c3\u00a9\r\n", new ValkeyFrame.SimpleString("h\u00e9")));
        s.add(new Sample("error", "-ERR unknown command 'foo'\r\n", new ValkeyFrame.Error("ERR unknown command 'foo'")));
        s.add(new Sample("zero", ":0\r\n", new ValkeyFrame.Integer(0)));
        s.add(new Sample("negative integer", ":-42\r\n", new ValkeyFrame.Integer(-42)));
        s.add(new Sample("max integer", ":9223372036854775807\r\n", new ValkeyFrame.Integer(Long.MAX_VALUE)));
        s.add(new Sample("min integer", ":-9223372036854775808\r\n", new ValkeyFrame.Integer(Long.MIN_VALUE)));
        s.add(new Sample("bulk string", "$3\r\nfoo\r\n", bulk("foo")));
        s.add(new Sample("empty bulk string", "$0\r\n\r\n", bulk("")));
        s.add(new Sample("binary bulk string with CRLF inside", "$6\r\na\r\n\u0000\u00ffb\r\n",
                new ValkeyFrame.BulkString(new byte[] {'a', '\r', '\n', 0, (byte) 0xff, 'b'})));
        s.add(new Sample("null bulk string", "$-1\r\n", new ValkeyFrame.NullBulkString()));
        s.add(new Sample("command", "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n", ValkeyFrame.command("SET", "k", "hello")));
        s.add(new Sample("empty array", "*0\r\n", new ValkeyFrame.Array(List.of())));
        s.add(new Sample("null array", "*-1\r\n", new ValkeyFrame.NullArray()));
        s.add(new Sample("nested array", "*2\r\n*2\r\n:1\r\n*0\r\n$-1\r\n",
                new ValkeyFrame.Array(List.of(
                        new ValkeyFrame.Array(List.of(new ValkeyFrame.Integer(1), new ValkeyFrame.Array(List.of()))),
                        new ValkeyFrame.NullBulkString()))));
        s.add(new Sample("null", "_\r\n", new ValkeyFrame.Null()));
        s.add(new Sample("double", ",3.14\r\n", new ValkeyFrame.Double("3.14")));
        s.add(new Sample("double exponent", ",1.5e+20\r\n", new ValkeyFrame.Double("1.5e+20")));
        s.add(new Sample("inf", ",inf\r\n", new ValkeyFrame.Double("inf")));
        s.add(new Sample("-inf", ",-inf\r\n", new ValkeyFrame.Double("-inf")));
        s.add(new Sample("nan", ",nan\r\n", new ValkeyFrame.Double("nan")));
        s.add(new Sample("true", "#t\r\n", new ValkeyFrame.Boolean(true)));
        s.add(new Sample("false", "#f\r\n", new ValkeyFrame.Boolean(false)));
        s.add(new Sample("big number", "(3492890328409238509324850943850943825024385\r\n",
                new ValkeyFrame.BigNumber("3492890328409238509324850943850943825024385")));
        s.add(new Sample("negative big number", "(-1\r\n", new ValkeyFrame.BigNumber("-1")));
        s.add(new Sample("bulk error", "!21\r\nSYNTAX invalid syntax\r\n", new ValkeyFrame.BulkError(bytes("SYNTAX invalid syntax"))));
        s.add(new Sample("verbatim string", "=15\r\ntxt:Some string\r\n",
                new ValkeyFrame.VerbatimString("txt", bytes("Some string"))));
        s.add(new Sample("empty verbatim string", "=4\r\nmkd:\r\n", new ValkeyFrame.VerbatimString("mkd", new byte[0])));
        s.add(new Sample("map", "%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n",
                new ValkeyFrame.Map(List.of(new ValkeyFrame.SimpleString("first"), new ValkeyFrame.Integer(1),
                        new ValkeyFrame.SimpleString("second"), new ValkeyFrame.Integer(2)))));
        s.add(new Sample("empty map", "%0\r\n", new ValkeyFrame.Map(List.of())));
        s.add(new Sample("set", "~3\r\n+a\r\n+b\r\n+c\r\n", new ValkeyFrame.Set(List.of(
                new ValkeyFrame.SimpleString("a"), new ValkeyFrame.SimpleString("b"), new ValkeyFrame.SimpleString("c")))));
        s.add(new Sample("push", ">3\r\n$7\r\nmessage\r\n$3\r\nchn\r\n$5\r\nhello\r\n",
                new ValkeyFrame.Push(List.of(bulk("message"), bulk("chn"), bulk("hello")))));
        s.add(new Sample("attribute and reply",
                "|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n",
                new ValkeyFrame.Attribute(
                        List.of(new ValkeyFrame.SimpleString("key-popularity"),
                                new ValkeyFrame.Map(List.of(bulk("a"), new ValkeyFrame.Double("0.1923"),
                                        bulk("b"), new ValkeyFrame.Double("0.0012")))),
                        new ValkeyFrame.Array(List.of(new ValkeyFrame.Integer(2039123), new ValkeyFrame.Integer(9543892))))));
        s.add(new Sample("empty attribute", "|0\r\n+OK\r\n", new ValkeyFrame.Attribute(List.of(), ValkeyFrame.ok())));
        s.add(new Sample("attribute inside an array", "*2\r\n|1\r\n+ttl\r\n:3600\r\n+v\r\n:2\r\n",
                new ValkeyFrame.Array(List.of(
                        new ValkeyFrame.Attribute(List.of(new ValkeyFrame.SimpleString("ttl"), new ValkeyFrame.Integer(3600)),
                                new ValkeyFrame.SimpleString("v")),
                        new ValkeyFrame.Integer(2)))));
        s.add(new Sample("attribute describing an attribute", "|1\r\n+a\r\n:1\r\n|1\r\n+b\r\n:2\r\n>1\r\n+x\r\n",
                new ValkeyFrame.Attribute(List.of(new ValkeyFrame.SimpleString("a"), new ValkeyFrame.Integer(1)),
                        new ValkeyFrame.Attribute(List.of(new ValkeyFrame.SimpleString("b"), new ValkeyFrame.Integer(2)),
                                new ValkeyFrame.Push(List.of(new ValkeyFrame.SimpleString("x")))))));
        return s;
    }

    /** Every sample back to back, as a pipelining client or server would send them. */
    static String pipeline() {
        StringBuilder sb = new StringBuilder();
        for (Sample sample : all()) {
            sb.append(sample.wire());
        }
        return sb.toString();
    }

    static List<Integer> lengths() {
        List<Integer> lengths = new ArrayList<>();
        for (Sample sample : all()) {
            lengths.add(sample.bytes().length);
        }
        return lengths;
    }
}
