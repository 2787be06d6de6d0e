package dev.shotover.transforms.testing;

import dev.shotover.api.Frame;
import dev.shotover.api.FrameParser;
import dev.shotover.api.MessageParseException;
import dev.shotover.api.valkey.ValkeyFrame;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough RESP for tests: an array of bulk strings ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}); anything else
 * is a {@link MessageParseException}. Reads without moving the reader index, as the contract asks.
 */
public final class TinyRespParser implements FrameParser {
    public static final TinyRespParser INSTANCE = new TinyRespParser();

    @Override
    public Frame parse(ByteBuf raw) {
        String text = raw.toString(raw.readerIndex(), raw.readableBytes(), StandardCharsets.UTF_8);
        String[] lines = text.split("\r\n", -1);
        try {
            if (!lines[0].startsWith("*")) {
                throw new MessageParseException("not a RESP array: " + lines[0]);
            }
            int count = Integer.parseInt(lines[0].substring(1));
            List<ValkeyFrame> elements = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String header = lines[1 + 2 * i];
                String value = lines[2 + 2 * i];
                if (!header.startsWith("$") || Integer.parseInt(header.substring(1)) != value.length()) {
                    throw new MessageParseException("bad bulk string header: " + header);
                }
                elements.add(ValkeyFrame.bulk(value));
            }
            return new ValkeyFrame.Array(elements);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new MessageParseException("truncated or malformed RESP", e);
        }
    }
}
