package dev.shotover.testkit;

import dev.shotover.api.Frame;
import dev.shotover.api.Message;
import dev.shotover.api.valkey.ValkeyFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Valkey requests and frames for tests, written the way {@code redis-cli} takes them: {@code "SET foo bar"}.
 *
 * <p>A command line is split at spaces; double quotes group words ({@code "SET k \"two words\""}) and a backslash
 * escapes the next character inside quotes. Use {@link #command(String...)} for arguments that are awkward to quote.
 *
 * <p>Messages made here are built from frames ({@link Message#fromFrame}): they hold no Netty buffers, so tests need
 * not release them, and {@link Message#rawBytes()} is null for them as for any message a transform generated.
 */
public final class ValkeyMessages {

    private ValkeyMessages() {
    }

    /**
     * {@return a request message for one command line, e.g. {@code request("GET foo")}}
     *
     * @param commandLine words separated by spaces; double quotes keep spaces inside a word
     */
    public static Message request(String commandLine) {
        return Message.fromFrame(frame(commandLine));
    }

    /**
     * {@return a mutable list of request messages, one per command line, in order: a batch as a client pipelines it}
     *
     * @param commandLines the commands, e.g. {@code "SET foo bar"}
     */
    public static List<Message> requests(String... commandLines) {
        List<Message> requests = new ArrayList<>(commandLines.length);
        for (String line : commandLines) {
            requests.add(request(line));
        }
        return requests;
    }

    /**
     * {@return a request message whose command array has exactly these parts (no splitting or quoting)}
     *
     * @param parts the command name and its arguments
     */
    public static Message command(String... parts) {
        return Message.fromFrame(ValkeyFrame.command(parts));
    }

    /**
     * {@return the command array of a command line, as a client sends it: an array of bulk strings}
     *
     * @param commandLine words separated by spaces; double quotes keep spaces inside a word
     */
    public static ValkeyFrame.Array frame(String commandLine) {
        List<String> words = split(commandLine);
        if (words.isEmpty()) {
            throw new IllegalArgumentException("empty command line");
        }
        return ValkeyFrame.command(words.toArray(new String[0]));
    }

    /**
     * {@return a short readable form of a Valkey frame for assertion messages: a command array as its words
     * ({@code GET foo}), a bulk string in quotes, an error with a leading {@code -}, other frames as their record
     * text}
     *
     * @param frame the frame to describe
     */
    public static String describe(Frame frame) {
        if (!(frame instanceof ValkeyFrame valkey)) {
            return String.valueOf(frame);
        }
        if (valkey instanceof ValkeyFrame.Array array && valkey.commandName() != null) {
            StringBuilder text = new StringBuilder();
            for (ValkeyFrame element : array.elements()) {
                if (text.length() > 0) {
                    text.append(' ');
                }
                text.append(element instanceof ValkeyFrame.BulkString bulk ? word(bulk.value()) : describe(element));
            }
            return text.toString();
        }
        if (valkey instanceof ValkeyFrame.BulkString bulk) {
            return '"' + escape(bulk.value()) + '"';
        }
        if (valkey instanceof ValkeyFrame.SimpleString simple) {
            return "+" + simple.value();
        }
        if (valkey instanceof ValkeyFrame.Error error) {
            return "-" + error.message();
        }
        if (valkey instanceof ValkeyFrame.Integer integer) {
            return ":" + integer.value();
        }
        if (valkey instanceof ValkeyFrame.NullBulkString) {
            return "(nil)";
        }
        return valkey.toString();
    }

    /**
     * {@return {@link #describe(Frame)} of a message's frame, with {@code <unparseable: ...>} if it does not parse}
     *
     * @param message the message to describe
     */
    public static String describe(Message message) {
        try {
            return describe(message.frame());
        } catch (RuntimeException e) {
            return "<unparseable: " + e.getMessage() + ">";
        }
    }

    private static String word(byte[] bytes) {
        String escaped = escape(bytes);
        boolean plain = bytes.length > 0 && escaped.equals(new String(bytes, StandardCharsets.UTF_8))
                && escaped.indexOf(' ') < 0;
        return plain ? escaped : '"' + escaped + '"';
    }

    private static String escape(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c == '"' || c == '\\') {
                text.append('\\').append((char) c);
            } else if (c >= 0x20 && c < 0x7f) {
                text.append((char) c);
            } else {
                text.append(String.format("\\x%02x", c));
            }
        }
        return text.toString();
    }

    static List<String> split(String commandLine) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        boolean quoted = false;
        for (int i = 0; i < commandLine.length(); i++) {
            char c = commandLine.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < commandLine.length()) {
                    word.append(commandLine.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                } else {
                    word.append(c);
                }
            } else if (c == ' ') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                if (word == null) {
                    word = new StringBuilder();
                }
                if (c == '"') {
                    quoted = true;
                } else {
                    word.append(c);
                }
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quote in command line: " + commandLine);
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }
}
