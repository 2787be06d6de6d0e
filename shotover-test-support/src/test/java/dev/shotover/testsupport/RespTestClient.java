package dev.shotover.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Minimal RESP client for these tests: sends one command, returns the raw reply (first line and bulk body). */
final class RespTestClient {

    private RespTestClient() {
    }

    static String command(InetSocketAddress address, String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 1000);
            socket.setSoTimeout(2000);
            StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                request.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            // Replies in these tests are small; read what arrives in one go after the first line completes.
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1) {
                reply.write(b);
                String text = reply.toString(StandardCharsets.UTF_8);
                if (text.endsWith("\r\n") && isComplete(text)) {
                    return text.trim();
                }
            }
            return reply.toString(StandardCharsets.UTF_8).trim();
        }
    }

    /** Complete for simple replies (+,-,:) after one line; for arrays of bulk strings, after all elements. */
    private static boolean isComplete(String text) {
        char type = text.charAt(0);
        if (type != '*' && type != '$') {
            return true;
        }
        String[] lines = text.split("\r\n", -1);
        if (type == '$') {
            int len = Integer.parseInt(lines[0].substring(1));
            return len < 0 || lines.length >= 3;
        }
        int count = Integer.parseInt(lines[0].substring(1));
        // Each element is "$len" + body: 2 lines; lines ends with an empty string after the final CRLF.
        return lines.length - 2 >= count * 2;
    }
}
